import { v7 as uuidv7 } from 'uuid';
import { EventIngestedCodec } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { sleep } from '@daalu/platform/jetstream';
import { eventually, startPrivateNats } from '@daalu/testing';
import { ProjectionHarness } from './projection-harness';

describe('a projection while nats-server is stopped and started again mid-stream', () => {
  it('keeps going by itself and loses nothing', async () => {
    const server = await startPrivateNats();
    const harness = await ProjectionHarness.start('restart', server.url);
    try {
      const projection = harness.projection();
      projection.applyDelayMs = 30; // lag behind the producer, so messages are in flight when NATS stops
      const runner = harness.runner(projection, { batchSize: 25 });
      runner.start();
      const tenant = uuidv7();
      const total = 1500;
      const published: string[] = [];
      let failedAttempts = 0;

      const producer = (async () => {
        for (let i = 0; i < total; i++) {
          const event = anIngestedEvent(tenant, { summary: `event ${i}` });
          // A sender retries until JetStream acknowledges; the same id makes the retry a no-op duplicate.
          for (;;) {
            try {
              await harness.publisher.publish(harness.nats.subjects.event(tenant), EventIngestedCodec, event, {
                timeoutMs: 500,
              });
              break;
            } catch {
              failedAttempts++;
              await sleep(100);
            }
          }
          published.push(event.id);
        }
      })();

      await eventually(
        () => published.length,
        (n) => n >= 500,
        { what: '500 events published' },
      );
      expect(await harness.checkpoint()).toBeLessThan(published.length);
      await server.stop();
      await sleep(1500);
      await server.start();
      await producer;

      await eventually(
        () => harness.checkpoint(),
        (seq) => seq >= total,
        { timeoutMs: 60_000, what: 'all applied' },
      );
      const log = await harness.appliedLog();
      expect(failedAttempts).toBeGreaterThan(0); // the outage really happened while publishing
      expect(log.map((row) => row.event_id)).toEqual(published);
      expect(runner.status.role).toBe('active');
    } finally {
      await harness.stop();
      await server.destroy();
    }
  });
});
