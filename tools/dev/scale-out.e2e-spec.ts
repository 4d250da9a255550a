import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  type AppProcess,
  eventually,
  freePort,
  startProcess,
  startReadyProcess,
  type TestDatabase,
  type TestNats,
} from '@daalu/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { closeReceivers, receiver } from '../../apps/outbound-dispatcher/test/loopback-receiver';

const APPS = {
  gateway: 'apps/ingest-gateway/src/main.js',
  timeline: 'apps/timeline-projector/src/main.js',
  rules: 'apps/rule-evaluator/src/main.js',
  dispatcher: 'apps/outbound-dispatcher/src/main.js',
} as const;
const OPERATOR_TOKEN = 'scale-out-operator-token';
/** The production per-URL cap, held across every dispatcher replica. */
const RATE_PER_URL = 50;

interface Replica {
  app: AppProcess;
  base: string;
}

/**
 * The stack scaled out on one machine, as Kubernetes or `docker compose --scale` runs it: two gateways,
 * three dispatchers, the projector and the evaluator, against one NATS and one PostgreSQL.
 */
describe('scale-out: several replicas of each app share the work', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let env: Record<string, string>;
  const gateways: Replica[] = [];
  const dispatchers: Replica[] = [];
  const others: Replica[] = [];
  let tenant: { id: string; ingestKey: string; apiToken: string };

  async function start(script: string): Promise<Replica> {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    return { app: await startReadyProcess(script, { ...env, PORT: String(port) }, base, 60_000), base };
  }

  /** Sends `count` events in batches of 50, alternating between the two gateways. */
  async function ingest(prefix: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let from = 0, n = 0; from < count; from += 50, n++) {
      const events = Array.from({ length: Math.min(50, count - from) }, (_, i) => ({
        type: 'load.tick',
        source: 'scale-out-test',
        summary: `${prefix} ${from + i}`,
      }));
      const response = await fetch(`${gateways[n % 2].base}/api/v1/events/batch`, {
        method: 'POST',
        headers: { 'x-daalu-key': tenant.ingestKey, 'content-type': 'application/json' },
        body: JSON.stringify(events),
      });
      expect(response.status).toBe(202);
      const body = (await response.json()) as { items: Array<{ id: string }> };
      ids.push(...body.items.map((item) => item.id));
    }
    return ids;
  }

  /** What one dispatcher replica acknowledged on the shared deliveries consumer (its /metrics). */
  async function deliveriesAcked(replica: Replica): Promise<number> {
    const text = await (await fetch(`${replica.base}/metrics`)).text();
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('daalu_messages_handled_total{') &&
          l.includes('consumer="dispatch"') &&
          l.includes('outcome="acked"'),
      );
    return line ? Number(line.split(' ').pop()) : 0;
  }

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('scale_out'));
    env = {
      ...appEnv(db, nats),
      DAALU_OPERATOR_TOKEN: OPERATOR_TOKEN,
      DAALU_SECRET_KEY: 'ab'.repeat(32),
      DAALU_OUTBOUND_ALLOW: '127.0.0.0/8',
      DAALU_OUTBOUND_RATE_PER_URL: String(RATE_PER_URL),
      // A replica killed mid-attempt is taken over after 3x this.
      DAALU_DELIVERY_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'warn',
    };
    // As the chart's upgrade Job does: each app's migrations once, before any replica starts.
    for (const script of Object.values(APPS)) {
      expect(await startProcess(script, ['migrate'], env).exited).toBe(0);
    }
    // Replicas of one app start together, as a rollout starts them.
    gateways.push(...(await Promise.all([start(APPS.gateway), start(APPS.gateway)])));
    others.push(...(await Promise.all([start(APPS.timeline), start(APPS.rules)])));
    dispatchers.push(...(await Promise.all([start(APPS.dispatcher), start(APPS.dispatcher), start(APPS.dispatcher)])));

    const created = await fetch(`${gateways[0].base}/api/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'scale-out' }),
    });
    expect(created.status).toBe(201);
    tenant = (await created.json()) as typeof tenant;
  }, 180_000);

  afterAll(async () => {
    closeReceivers();
    await Promise.all([...gateways, ...dispatchers, ...others].map((replica) => replica.app.stop('SIGTERM')));
    await nats?.cleanup();
    await db?.drop();
  }, 60_000);

  it('delivers each event once, at 50/s per URL in total across three dispatchers, and loses nothing when one is killed', async () => {
    const target = await receiver([200]);
    // A webhook made on one dispatcher replica: every replica learns it from the log.
    const created = await eventually(
      () =>
        fetch(`${dispatchers[1].base}/api/v1/webhooks`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tenant.apiToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url: target.url, trigger: { events: { type: 'load.*' } } }),
        }),
      (response) => response.status === 201,
      { what: 'the tenant known to the dispatcher', timeoutMs: 10_000 },
    );
    const hook = (await created.json()) as { id: string };
    // Every replica has the webhook before events flow (fan-out runs on one of them, deliveries on all).
    for (const replica of dispatchers) {
      await eventually(
        () =>
          fetch(`${replica.base}/api/v1/webhooks/${hook.id}`, {
            headers: { authorization: `Bearer ${tenant.apiToken}` },
          }).then((r) => r.status),
        (status) => status === 200,
        { what: 'the webhook on every replica' },
      );
    }
    const idOf = (r: { body: string }) => (JSON.parse(r.body) as { data: { id: string } }).data.id;

    // 1. 300 events through two gateways: each delivered exactly once, never faster than 50/s in total.
    const first = await ingest('first', 300);
    await eventually(
      () => target.received.length,
      (n) => n >= first.length,
      { what: 'the first 300 deliveries', timeoutMs: 30_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // a duplicate would arrive now
    expect(target.received.map(idOf).sort()).toEqual([...first].sort());
    const arrivals = target.received.map((r) => r.at).sort((a, b) => a - b);
    // Each replica may start with a full bucket (burst = rate): 3 x 50 at once, then 50/s shared.
    const afterBurst = arrivals.slice(3 * RATE_PER_URL);
    const steadyRate = (afterBurst.length - 1) / ((afterBurst.at(-1)! - afterBurst[0]) / 1000);
    expect(steadyRate).toBeLessThan(RATE_PER_URL * 1.25);
    // Three replicas each at their own 50/s would have finished the 150 after the burst in about 1 s.
    expect(arrivals.at(-1)! - arrivals[0]).toBeGreaterThan(((first.length - 3 * RATE_PER_URL) / RATE_PER_URL) * 800);
    // Each replica did part of the work (acks follow the receipts by the time it takes to record them).
    const acked = await eventually(
      () => Promise.all(dispatchers.map(deliveriesAcked)),
      (counts) => counts.reduce((a, b) => a + b, 0) === first.length,
      { what: 'every delivery acknowledged', timeoutMs: 10_000 },
    );
    expect(acked.every((n) => n > 0)).toBe(true);

    // 2. 300 more, and one dispatcher killed (SIGKILL: no goodbye) while they are being delivered.
    const before = target.received.length;
    const second = await ingest('second', 300);
    await eventually(
      () => target.received.length - before,
      (n) => n >= 60,
      { what: 'deliveries under way' },
    );
    await dispatchers[2].app.stop('SIGKILL');
    await eventually(
      () => new Set(target.received.slice(before).map(idOf)).size,
      (n) => n === second.length,
      { what: 'every one of the second 300, after the kill', timeoutMs: 40_000 },
    );
    const secondIds = target.received.slice(before).map(idOf);
    expect(new Set(secondIds)).toEqual(new Set(second));
    // At most the killed replica's attempts in flight (32 per URL) were sent twice, with the same webhook-id.
    const repeats = secondIds.length - new Set(secondIds).size;
    expect(repeats).toBeLessThanOrEqual(32);
    await eventually(
      () =>
        db.query<{ state: string; n: number }>(
          `SELECT state, count(*)::int AS n FROM outbound.delivery WHERE webhook_id = $1 GROUP BY state`,
          [hook.id],
        ),
      (rows) => JSON.stringify(rows) === JSON.stringify([{ state: 'delivered', n: first.length + second.length }]),
      { what: 'every delivery recorded as delivered, none pending or failed', timeoutMs: 10_000 },
    );
    // The projector has every event on the timeline too.
    await eventually(
      () =>
        db
          .query<{ n: number }>(
            `SELECT count(*)::int AS n FROM timeline.timeline_entry WHERE tenant_id = $1 AND kind = 'event'`,
            [tenant.id],
          )
          .then((rows) => rows[0].n),
      (n) => n === first.length + second.length,
      { what: 'every event on the timeline' },
    );
    await target.close();
  }, 120_000);
});
