import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventIngestedCodec, streamNamesFor } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { JetStreamPublisher } from '@daalu/platform/jetstream';
import { OUTBOUND_MIGRATIONS } from '@daalu/outbound/data-access';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  aTenantWithApiToken,
  eventually,
  freePort,
  startProcess,
  startReadyProcess,
  type TestDatabase,
  type TestNats,
} from '@daalu/testing';
import { closeReceivers, receiver, track } from './loopback-receiver';

const SCRIPT = 'apps/outbound-dispatcher/src/main.js';

/** What Kubernetes relies on: migrations run once by a Job, readiness off at SIGTERM, in-flight work finished. */
describe('dispatcher lifecycle', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let env: Record<string, string>;

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('outbound_lifecycle'));
    env = {
      ...appEnv(db, nats),
      DAALU_SECRET_KEY: 'ef'.repeat(32),
      DAALU_OUTBOUND_ALLOW: '127.0.0.0/8',
      DAALU_DELIVERY_TIMEOUT_MS: '8000',
      DAALU_SHUTDOWN_GRACE_MS: '15000',
    };
  }, 60_000);

  afterAll(async () => {
    closeReceivers();
    await nats?.cleanup();
    await db?.drop();
  });

  it('`main.js migrate` builds the schema once even when two run at the same moment, then exits 0', async () => {
    const [first, second] = [startProcess(SCRIPT, ['migrate'], env), startProcess(SCRIPT, ['migrate'], env)];
    expect(await Promise.all([first.exited, second.exited])).toEqual([0, 0]);
    const recorded = await db.query<{ name: string }>(`SELECT name FROM outbound.migrations`);
    // The checkpoint table's migration, then the app's own: each recorded exactly once.
    expect(recorded).toHaveLength(OUTBOUND_MIGRATIONS.length + 1);
    expect(new Set(recorded.map((row) => row.name)).size).toBe(recorded.length);
    const applied = [...first.lines, ...second.lines].filter((line) => line.includes('migration(s)'));
    expect(applied).toHaveLength(1);
    expect(applied[0]).toContain(`applied ${OUTBOUND_MIGRATIONS.length + 1} migration(s)`);

    const again = startProcess(SCRIPT, ['migrate'], env);
    expect(await again.exited).toBe(0);
    expect(again.lines.join('\n')).toContain('schema \\"outbound\\" is up to date');
  }, 60_000);

  it('exports what to alert on: attempts by result, and retry-waiting deliveries as unacknowledged under a high cap', async () => {
    const failing = await receiver([503]);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // The first retry a minute away: the delivery waits unacknowledged on the consumer meanwhile.
    // The tenant first: a ready replica has read every token issued before it started.
    const tenant = await aTenantWithApiToken(nats);
    const app = await startReadyProcess(SCRIPT, { ...env, PORT: String(port), DAALU_RETRY_BASE_MS: '60000' }, base);
    try {
      const info = await nats.jsm.consumers.info(streamNamesFor(nats.namespace).deliveries, 'dispatch');
      expect(info.config.max_ack_pending).toBe(20_000);
      const created = await fetch(`${base}/api/v1/webhooks`, {
        method: 'POST',
        headers: { ...tenant.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ url: failing.url, trigger: { events: { type: 'deploy.*' } } }),
      });
      expect(created.status).toBe(201);
      await new JetStreamPublisher(nats.js).publish(
        nats.subjects.event(tenant.id),
        EventIngestedCodec,
        anIngestedEvent(tenant.id, { type: 'deploy.failed', receivedAt: new Date().toISOString() }),
      );
      const sample = (text: string, metric: string) =>
        Number(new RegExp(`^${metric}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
      const metrics = await eventually(
        () => fetch(`${base}/metrics`).then((r) => r.text()),
        (text) => sample(text, 'daalu_consumer_ack_pending_messages') === 1,
        { what: 'the retry-waiting delivery counted as unacknowledged', timeoutMs: 15_000 },
      );
      expect(sample(metrics, 'daalu_delivery_attempts_total')).toBe(1);
      expect(metrics).toMatch(/^daalu_delivery_attempts_total\{[^}]*result="retrying"[^}]*\} 1$/m);
      expect(metrics).toMatch(/^daalu_delivery_attempt_duration_seconds_count\{[^}]*result="retrying"[^}]*\} 1$/m);
      expect(sample(metrics, 'daalu_consumer_lag_messages')).toBe(0);
    } finally {
      await app.stop('SIGTERM');
    }
  }, 60_000);

  it('SIGTERM: /health/ready answers 503 at once, the in-flight delivery finishes and is recorded, exit 0', async () => {
    // A receiver that takes 3 s to answer: the delivery is in flight when the signal comes.
    let requests = 0;
    const slow = track(
      createServer((req, res) => {
        requests++;
        req.resume();
        req.on('end', () => setTimeout(() => res.writeHead(200).end('ok'), 3000));
      }),
    );
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const tenant = await aTenantWithApiToken(nats);
    const app = await startReadyProcess(SCRIPT, { ...env, PORT: String(port) }, base);
    const created = await fetch(`${base}/api/v1/webhooks`, {
      method: 'POST',
      headers: { ...tenant.auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hook`,
        trigger: { events: { type: 'deploy.*' } },
      }),
    });
    expect(created.status).toBe(201);
    const hook = (await created.json()) as { id: string };
    await new JetStreamPublisher(nats.js).publish(
      nats.subjects.event(tenant.id),
      EventIngestedCodec,
      anIngestedEvent(tenant.id, { type: 'deploy.finished', receivedAt: new Date().toISOString() }),
    );
    await eventually(
      () => requests,
      (n) => n === 1,
      { what: 'the delivery reaching the slow receiver' },
    );

    const signalledAt = Date.now();
    app.child.kill('SIGTERM');
    const ready = await eventually(
      () =>
        fetch(`${base}/health/ready`).then(
          async (r) => ({ status: r.status, body: (await r.json()) as { checks: Record<string, { ok: boolean }> } }),
          () => undefined,
        ),
      (answer) => answer?.status === 503,
      { what: 'readiness off after SIGTERM', timeoutMs: 2000 },
    );
    expect(ready?.body.checks.shutdown).toEqual({ ok: false, detail: 'shutting down' });

    expect(await app.exited).toBe(0);
    // It waited for the receiver's answer (3 s after the request) rather than cutting it off.
    expect(Date.now() - signalledAt).toBeGreaterThan(1500);
    const rows = await db.query<{ state: string; attempts: number; status: number }>(
      `SELECT d.state, d.attempts, (a.response->>'status')::int AS status FROM outbound.delivery d
       JOIN outbound.delivery_attempt a ON a.delivery_id = d.delivery_id WHERE d.webhook_id = $1`,
      [hook.id],
    );
    expect(rows).toEqual([{ state: 'delivered', attempts: 1, status: 200 }]);
    expect(requests).toBe(1);
  }, 60_000);
});
