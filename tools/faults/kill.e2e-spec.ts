import { Pool } from 'pg';
import { eventually, type PrivatePostgres, startPrivateNats, startPrivatePostgres } from '@daalu/testing';
import { countingReceiver, type CountingReceiver } from './test/counting-receiver';
import { type LoadFigures, runLoad } from './test/load-generator';
import { report, sleep, writeResults } from './test/results';
import { APP_NAMES, type AppName, Stack, stackEnv, type Tenant } from './test/stack';

/** Events per second the generator aims at, for how long, and when the fault comes. */
const RATE = 150;
const LOAD_MS = 8_000;
const FAULT_AT_MS = 2_500;
/** How long an event not yet accepted is retried after the load (a recovered stack answers 202 well before). */
const RETRY_FOR_MS = 20_000;
/** How long the stack has, after the load, to put every accepted event on the timeline and deliver it. */
const CATCH_UP_MS = 60_000;
/** No new delivery for this long: whatever was to be sent twice has been. */
const QUIET_MS = 2_000;

type PrivateNats = Awaited<ReturnType<typeof startPrivateNats>>;

interface CaseFigures {
  case: string;
  injected: string;
  eventsStarted: number;
  accepted202: number;
  answered503: number;
  networkErrors: number;
  otherStatuses: Record<string, number>;
  gaveUp: number;
  longestIngestGapMs: number;
  /** From the fault to every app answering ready again. */
  recoveryMs: number;
  /** From the end of the load until every accepted event was on the timeline and delivered. */
  catchUpMs: number | null;
  lostOnTimeline: number;
  duplicatedOnTimeline: number;
  /** Stored although the client got no 202 (a 503 or a dropped connection): allowed, "not known to be stored". */
  storedWithout202: number;
  lostDeliveries: number;
  deliveryPosts: number;
  duplicateDeliveries: number;
  /** Events whose deliveries came with more than one webhook-id (a delivery requested twice). */
  eventsWithSeveralWebhookIds: number;
  /** The load rule's alert count against the events on the timeline (each counted once: equal). */
  alertCount: number | null;
  eventsOnTimeline: number;
  samples: { lostOnTimeline: string[]; lostDeliveries: string[] };
}

/**
 * Faults under load, on a NATS server and a PostgreSQL cluster of this suite's own: each app killed
 * (SIGKILL) and restarted, NATS stopped for 5 s, PostgreSQL crashed (`-m immediate`). A generator keeps
 * a ledger of every event answered 202; after each fault, every one of them must be on the timeline
 * exactly once and delivered to the webhook at least once. Duplicate deliveries (same webhook-id) are
 * allowed (at least once) and measured: tools/faults/results/kill.json.
 */
describe('faults under load: kills and outages lose no accepted event', () => {
  let nats: PrivateNats;
  let pg: PrivatePostgres;
  let stack: Stack;
  let db: Pool;
  let tenant: Tenant;
  let receiver: CountingReceiver;
  let ruleId: string;
  const results: CaseFigures[] = [];

  beforeAll(async () => {
    [nats, pg] = await Promise.all([startPrivateNats(), startPrivatePostgres()]);
    db = new Pool({ connectionString: pg.databaseUrl, max: 2 });
    db.on('error', () => undefined); // a connection dropped by the PostgreSQL crash; the next query gets a new one
    stack = await Stack.start(
      stackEnv({ DATABASE_URL: pg.databaseUrl, NATS_URL: nats.url, DAALU_NAMESPACE: 'faults', HOST: '127.0.0.1' }),
    );
    tenant = await stack.createTenant('faults');
    // A receiver that takes 100 ms per POST: about ten deliveries are in flight when the dispatcher is killed.
    receiver = await countingReceiver({ delayMs: 100 });
    const hook = await stack.api('dispatcher', tenant, 'POST', '/api/v1/webhooks', {
      url: receiver.url,
      trigger: { events: {} },
    });
    expect(hook.status).toBe(201);
    const rule = await stack.api('rules', tenant, 'POST', '/api/v1/alert-rules', {
      name: 'load',
      kind: 'match',
      match: { type: 'load.tick' },
      groupBy: 'payload.label',
      alert: { severity: 'info', summary: 'load {{payload.label}}' },
    });
    expect(rule.status).toBe(201);
    ruleId = rule.body.id;
    // One event end to end before any fault: the webhook and the rule are in force.
    const first = await stack.ingest(tenant, { type: 'warm.up', source: 'faults', summary: 'warm-up' });
    expect(first.status).toBe(202);
    await eventually(
      () => receiver.forFact(first.body.id).length,
      (n) => n > 0,
      { what: 'the warm-up event delivered', timeoutMs: 30_000 },
    );
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
    await db?.end().catch(() => undefined);
    await nats?.destroy();
    await pg?.destroy();
    if (results.length > 0) {
      const path = writeResults('kill', {
        load: { ratePerSecond: RATE, durationMs: LOAD_MS, faultAtMs: FAULT_AT_MS },
        cases: results,
      });
      report(`figures written to ${path}`);
    }
  }, 60_000);

  /** Every app answering /health/ready 200 again; resolves to when that was. */
  async function allReady(timeoutMs = 60_000): Promise<number> {
    await eventually(
      () =>
        Promise.all(
          APP_NAMES.map((name) =>
            fetch(`${stack.base(name)}/health/ready`).then(
              (r) => r.status,
              () => 0,
            ),
          ),
        ),
      (statuses) => statuses.every((s) => s === 200),
      { what: 'every app ready', timeoutMs, intervalMs: 100 },
    );
    return Date.now();
  }

  async function timelineCounts(ids: string[]): Promise<Map<string, number>> {
    const { rows } = await db.query<{ id: string; n: number }>(
      `SELECT id::text AS id, count(*)::int AS n FROM timeline.timeline_entry
        WHERE tenant_id = $1 AND kind = 'event' AND id = ANY($2::uuid[]) GROUP BY id`,
      [tenant.id, ids],
    );
    return new Map(rows.map((row) => [row.id, row.n]));
  }

  async function labelledOnTimeline(label: string): Promise<number> {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM timeline.timeline_entry
        WHERE tenant_id = $1 AND kind = 'event' AND payload->>'label' = $2`,
      [tenant.id, label],
    );
    return rows[0].n;
  }

  /** Waits for the stack to catch up and go quiet, then counts what reached the timeline and the receiver. */
  async function reconcile(label: string, load: LoadFigures) {
    const ledger = load.ledger;
    let caughtUpAt: number | null = null;
    try {
      await eventually(
        async () => {
          const counts = await timelineCounts(ledger).catch(() => new Map<string, number>());
          return counts.size === ledger.length && ledger.every((id) => receiver.forFact(id).length > 0);
        },
        Boolean,
        { what: 'every accepted event on the timeline and delivered', timeoutMs: CATCH_UP_MS, intervalMs: 250 },
      );
      caughtUpAt = Date.now();
    } catch {
      // counted below: what is missing is reported as lost
    }
    // Quiet: no delivery for QUIET_MS, so that late duplicates are counted.
    const quietDeadline = Date.now() + 15_000;
    while (Date.now() - receiver.lastAt() < QUIET_MS && Date.now() < quietDeadline) await sleep(250);

    const counts = await eventually(
      () => timelineCounts(ledger).catch(() => null),
      (c) => c !== null,
      { what: 'the timeline readable', timeoutMs: 30_000 },
    );
    const lostOnTimeline = ledger.filter((id) => !counts!.has(id));
    const duplicatedOnTimeline = ledger.filter((id) => (counts!.get(id) ?? 0) > 1);
    const lostDeliveries = ledger.filter((id) => receiver.forFact(id).length === 0);
    const posts = ledger.flatMap((id) => receiver.forFact(id));
    const webhookIds = new Set(posts.map((r) => r.webhookId));
    const eventsWithSeveralWebhookIds = ledger.filter(
      (id) => new Set(receiver.forFact(id).map((r) => r.webhookId)).size > 1,
    ).length;
    const eventsOnTimeline = await labelledOnTimeline(label);
    const alerts = await stack
      .api('rules', tenant, 'GET', `/api/v1/alerts?ruleId=${ruleId}&limit=500`)
      .catch(() => ({ status: 0, body: undefined }));
    const alert = alerts.body?.items?.find((a: { groupKey: string }) => a.groupKey === label);
    return {
      caughtUpAt,
      lostOnTimeline,
      duplicatedOnTimeline,
      lostDeliveries,
      deliveryPosts: posts.length,
      duplicateDeliveries: posts.length - webhookIds.size,
      eventsWithSeveralWebhookIds,
      eventsOnTimeline,
      storedWithout202: eventsOnTimeline - (ledger.length - lostOnTimeline.length),
      alertCount: alert ? (alert.count as number) : null,
    };
  }

  /** Runs the load, injects the fault at FAULT_AT_MS, reconciles, records the figures and asserts no loss. */
  async function underLoad(name: string, injected: string, fault: () => Promise<void>): Promise<void> {
    await stack.ensureRunning();
    await allReady();
    const label = `${name.replace(/\W+/g, '-')}-${Date.now()}`;
    const loading = runLoad({
      gateway: stack.base('gateway'),
      ingestKey: tenant.ingestKey,
      ratePerSecond: RATE,
      durationMs: LOAD_MS,
      retryForMs: RETRY_FOR_MS,
      label,
    });
    await sleep(FAULT_AT_MS);
    const faultAt = Date.now();
    await fault();
    const readyAt = await allReady();
    const load = await loading;
    const r = await reconcile(label, load);
    const figures: CaseFigures = {
      case: name,
      injected,
      eventsStarted: load.events,
      accepted202: load.ledger.length,
      answered503: load.unavailable,
      networkErrors: load.networkErrors,
      otherStatuses: load.otherStatuses,
      gaveUp: load.gaveUp,
      longestIngestGapMs: load.longestGapMs,
      recoveryMs: readyAt - faultAt,
      catchUpMs: r.caughtUpAt === null ? null : Math.max(0, r.caughtUpAt - load.endedAt),
      lostOnTimeline: r.lostOnTimeline.length,
      duplicatedOnTimeline: r.duplicatedOnTimeline.length,
      storedWithout202: r.storedWithout202,
      lostDeliveries: r.lostDeliveries.length,
      deliveryPosts: r.deliveryPosts,
      duplicateDeliveries: r.duplicateDeliveries,
      eventsWithSeveralWebhookIds: r.eventsWithSeveralWebhookIds,
      alertCount: r.alertCount,
      eventsOnTimeline: r.eventsOnTimeline,
      samples: { lostOnTimeline: r.lostOnTimeline.slice(0, 5), lostDeliveries: r.lostDeliveries.slice(0, 5) },
    };
    results.push(figures);
    report(
      `${name}: ${figures.accepted202}/${figures.eventsStarted} events 202'd (${figures.answered503} 503s, ` +
        `${figures.networkErrors} network errors, ${figures.gaveUp} gave up); ingest gap ${figures.longestIngestGapMs} ms; ` +
        `ready again ${figures.recoveryMs} ms after the fault; caught up ${figures.catchUpMs ?? 'never'} ms after the load; ` +
        `timeline lost ${figures.lostOnTimeline}, twice ${figures.duplicatedOnTimeline}, stored without 202 ${figures.storedWithout202}; ` +
        `deliveries lost ${figures.lostDeliveries}, duplicates ${figures.duplicateDeliveries} ` +
        `(${figures.deliveryPosts} POSTs); alert count ${figures.alertCount} for ${figures.eventsOnTimeline} events`,
    );
    expect(load.ledger.length).toBeGreaterThan(0);
    // Recovery: once the fault is over, every event gets its 202 (503s are retried, within 20 s).
    expect(load.gaveUp).toBe(0);
    expect(r.lostOnTimeline).toEqual([]);
    expect(r.duplicatedOnTimeline).toEqual([]);
    expect(r.lostDeliveries).toEqual([]);
  }

  async function killAndRestart(name: AppName): Promise<void> {
    await stack.kill(name);
    await sleep(1000);
    await stack.startApp(name);
  }

  it(
    'kill -9 of the ingest gateway, restarted after 1 s',
    () =>
      underLoad('gateway killed', 'SIGKILL of the ingest gateway, restarted after 1 s', () =>
        killAndRestart('gateway'),
      ),
    120_000,
  );

  it(
    'kill -9 of the timeline projector, restarted after 1 s',
    () =>
      underLoad('timeline projector killed', 'SIGKILL of the timeline projector, restarted after 1 s', () =>
        killAndRestart('timeline'),
      ),
    120_000,
  );

  it(
    'kill -9 of the rule evaluator, restarted after 1 s',
    () =>
      underLoad('rule evaluator killed', 'SIGKILL of the rule evaluator, restarted after 1 s', () =>
        killAndRestart('rules'),
      ),
    120_000,
  );

  it(
    'kill -9 of the outbound dispatcher, restarted after 1 s',
    () =>
      underLoad('dispatcher killed', 'SIGKILL of the outbound dispatcher, restarted after 1 s', () =>
        killAndRestart('dispatcher'),
      ),
    120_000,
  );

  it(
    'NATS stopped for 5 s, then started again on the same store',
    () =>
      underLoad(
        'NATS down 5 s',
        'nats-server stopped (SIGTERM) for 5 s, started again with the same store dir',
        async () => {
          await nats.stop();
          await sleep(5000);
          await nats.start();
        },
      ),
    120_000,
  );

  it(
    'PostgreSQL crashed (pg_ctl stop -m immediate) and started again',
    () =>
      underLoad('PostgreSQL crashed', 'pg_ctl stop -m immediate, then start (crash recovery)', () =>
        pg.restartImmediate(),
      ),
    120_000,
  );
});
