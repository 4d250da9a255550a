import { PAGE_EXAMPLE_ENVELOPE } from '@daalu/contracts/testing';
import {
  createTestDatabase,
  createTestNats,
  eventually,
  freeConsecutivePorts,
  freePort,
  SseClient,
  startProcess,
  type TestDatabase,
  type TestNats,
} from '@daalu/testing';

/** `npm start` (after the build): every app and the origin come up, report ready, and stop cleanly. */
describe('npm start launcher', () => {
  let db: TestDatabase;
  let nats: TestNats;

  beforeAll(async () => {
    db = await createTestDatabase('launcher');
    nats = await createTestNats('launcher');
  });

  afterAll(async () => {
    await nats.cleanup();
    await db.drop();
  });

  it('brings the whole stack up behind one origin and shuts it down gracefully', async () => {
    const originPort = await freePort();
    const firstAppPort = await freeConsecutivePorts(4);
    const launcher = startProcess('tools/dev/start.js', [], {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      DAALU_NAMESPACE: nats.namespace,
      DAALU_PORT: String(originPort),
      DAALU_APP_PORTS_FROM: String(firstAppPort),
      DAALU_OPERATOR_TOKEN: 'test-operator-token',
    });
    try {
      await launcher.waitForLine(/Press Ctrl-C to stop/, 90_000);
      expect(launcher.lines.join('\n')).toMatch(/Daalu is ready at http:\/\/localhost:\d+/);
      expect(launcher.lines.join('\n')).toMatch(/Operator token \(dev\): +test-operator-token/);

      const ready = await fetch(`http://127.0.0.1:${originPort}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: 'ready',
        checks: { gateway: { ok: true }, timeline: { ok: true }, rules: { ok: true }, outbound: { ok: true } },
      });
      // The curl example of docs/product.md, through the one origin.
      const origin = `http://127.0.0.1:${originPort}`;
      const created = await fetch(`${origin}/api/v1/tenants`, {
        method: 'POST',
        headers: { authorization: 'Bearer test-operator-token', 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'acme' }),
      });
      expect(created.status).toBe(201);
      const { ingestKey, apiToken } = (await created.json()) as { ingestKey: string; apiToken: string };
      const tenantAuth = { authorization: `Bearer ${apiToken}` };
      // The documented "disk over 90%" rule (docs/rules.md), which the example event of docs/product.md matches.
      const rule = await fetch(`${origin}/api/v1/alert-rules`, {
        method: 'POST',
        headers: { ...tenantAuth, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'disk over 90%',
          kind: 'match',
          match: { type: 'check.failed', minSeverity: 'warning', payload: [{ field: 'pct', op: 'gt', value: 90 }] },
          alert: { severity: 'critical', summary: 'disk on {{payload.host}} at {{payload.pct}}%' },
        }),
      });
      expect(rule.status).toBe(201);
      const live = new SseClient(`${origin}/api/v1/events/stream`, tenantAuth);
      expect(await live.status).toBe(200);
      const ingested = await fetch(`${origin}/api/v1/events`, {
        method: 'POST',
        headers: { 'X-Daalu-Key': ingestKey, 'Content-Type': 'application/json' },
        body: JSON.stringify(PAGE_EXAMPLE_ENVELOPE),
      });
      expect(ingested.status).toBe(202);
      const { id } = (await ingested.json()) as { id: string };
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      // On the timeline, live and in the list, through the same origin.
      // The event, then the alert it fired, on the timeline in log order.
      await eventually(
        () => live.events.length,
        (n) => n === 2,
        { what: 'the event and its alert, live' },
      );
      const [entry, alert] = live.data<{
        id: string;
        kind: string;
        summary: string;
        payload: { eventIds: string[] };
      }>();
      expect(entry.id).toBe(id);
      expect(alert).toMatchObject({
        kind: 'alert.fired',
        summary: 'disk on backup-1 at 93%',
        payload: { eventIds: [id] },
      });
      const firing = await eventually(
        () =>
          fetch(`${origin}/api/v1/alerts`, { headers: tenantAuth })
            .then((r) => r.json() as Promise<{ items: Array<{ state: string; eventIds: string[] }> }>)
            .then((body) => body.items),
        (items) => items.length === 1,
        { what: 'the alert listed' },
      );
      expect(firing).toMatchObject([{ state: 'firing', eventIds: [id] }]);
      await live.close();
      const timeline = await fetch(`${origin}/api/v1/events?type=check.failed&payload.host=backup-1`, {
        headers: tenantAuth,
      });
      expect(timeline.status).toBe(200);
      expect(((await timeline.json()) as { items: Array<{ id: string }> }).items.map((e) => e.id)).toEqual([id]);

      const unknown = await fetch(`http://127.0.0.1:${originPort}/api/v1/nowhere`);
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toMatch(/application\/problem\+json/);

      expect(await launcher.stop('SIGINT')).toBe(0);
      expect(launcher.lines.join('\n')).toMatch(/Stopped\./);
      // Each app finished its in-flight work and closed its connections.
      const schemas = await db.query<{ schema_name: string }>(
        `SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('timeline','rules','outbound') ORDER BY 1`,
      );
      expect(schemas.map((s) => s.schema_name)).toEqual(['outbound', 'rules', 'timeline']);
    } finally {
      // Ctrl-C first, so the launcher stops its apps; SIGKILL only if it does not exit.
      if (launcher.child.exitCode === null) {
        launcher.child.kill('SIGINT');
        await Promise.race([launcher.exited, new Promise((r) => setTimeout(r, 15_000))]);
        await launcher.stop('SIGKILL');
      }
    }
  });
});
