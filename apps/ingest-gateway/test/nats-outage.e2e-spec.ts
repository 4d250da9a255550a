import { eventually, startPrivateNats } from '@daalu/testing';
import { GatewayHarness, PAGE_EXAMPLE, post } from './gateway-harness';

describe('ingest while NATS is down', () => {
  it('answers 503 with Retry-After within 2 s (never 202), and 202 again once NATS is back', async () => {
    const server = await startPrivateNats();
    const harness = await GatewayHarness.create('outage', server.url);
    try {
      const gateway = await harness.start();
      const tenant = await harness.createTenant(gateway);
      const send = () => post(`${gateway.url}/api/v1/events`, PAGE_EXAMPLE, { 'x-daalu-key': tenant.ingestKey });
      expect((await send()).status).toBe(202);

      await server.stop();
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        const response = await send();
        expect(response.status).toBe(503);
        expect(Date.now() - started).toBeLessThan(2000);
        expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      }
      const ready = await fetch(`${gateway.url}/health/ready`);
      expect(ready.status).toBe(503);

      await server.start();
      await eventually(
        async () => (await send()).status,
        (s) => s === 202,
        { timeoutMs: 15_000, what: 'recovered' },
      );
      const accepted = await send();
      expect(accepted.status).toBe(202);
      // The test's own connection may still be reconnecting: look until it can read the stream.
      const stored = await eventually(
        () =>
          harness
            .storedEvents()
            .then((events) => events.some((event) => event.id === accepted.body.id))
            .catch(() => false),
        Boolean,
        { timeoutMs: 15_000, what: 'the accepted event on the stream' },
      );
      expect(stored).toBe(true);
    } finally {
      await harness.stop().catch(() => undefined);
      await server.destroy();
    }
  });
});
