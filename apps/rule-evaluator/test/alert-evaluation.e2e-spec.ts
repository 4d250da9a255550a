import { v7 as uuidv7 } from 'uuid';
import { DeliverPolicy } from '@nats-io/jetstream';
import { EventIngestedCodec, type AlertFired, type AlertResolved, type EventIngested } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { JetStreamPublisher } from '@daalu/platform/jetstream';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  eventually,
  freePort,
  type AppProcess,
  type TestDatabase,
  type TestNats,
  aTenantWithApiToken,
  startReadyProcess,
} from '@daalu/testing';

const SCRIPT = 'apps/rule-evaluator/src/main.js';

type AlertFact = AlertFired | AlertResolved;
interface AlertView {
  id: string;
  state: string;
  count: number;
  summary: string;
  eventIds: string[];
  groupKey: string;
  context: Array<{ id: string }>;
}

/** Match rules over the real log: alerts as facts, once each, across restarts and replicas. */
describe('alert evaluation', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let publisher: JetStreamPublisher;
  let env: Record<string, string>;
  const apps: AppProcess[] = [];
  let ports: number[] = [];
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  // Events are dated from a minute after the suite starts: a rule judges only events received after it
  // was created, and these tests create their rules first.
  const origin = Date.now() + 60_000;
  const at = (seconds: number) => new Date(origin + seconds * 1000).toISOString();

  async function tenant(name: string): Promise<string> {
    const { id, token } = await aTenantWithApiToken(nats);
    tokens[name] = token;
    ids[name] = id;
    return id;
  }

  const base = (i = 0) => `http://127.0.0.1:${ports[i]}`;
  const auth = (name: string) => ({ authorization: `Bearer ${tokens[name]}` });

  async function createRule(name: string, rule: object): Promise<string> {
    const response = await fetch(`${base()}/api/v1/alert-rules`, {
      method: 'POST',
      headers: { ...auth(name), 'content-type': 'application/json' },
      body: JSON.stringify(rule),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }

  async function send(name: string, overrides: Partial<EventIngested>): Promise<EventIngested> {
    const event = anIngestedEvent(ids[name], overrides);
    await publisher.publish(nats.subjects.event(ids[name]), EventIngestedCodec, event);
    return event;
  }

  /** Every alert fact of the tenant on the log, in log order. */
  async function facts(name: string): Promise<AlertFact[]> {
    const consumer = await nats.js.consumers.get(nats.streams.events, {
      filter_subjects: nats.subjects.alert(ids[name]),
      deliver_policy: DeliverPolicy.All,
    });
    const out: AlertFact[] = [];
    const pending = (await consumer.info()).num_pending;
    if (pending === 0) return out;
    const batch = await consumer.fetch({ max_messages: pending, expires: 2000 });
    for await (const msg of batch) {
      out.push(msg.json<AlertFact>());
      if (out.length === pending) break;
    }
    return out;
  }

  async function alerts(name: string, query = ''): Promise<AlertView[]> {
    const response = await fetch(`${base()}/api/v1/alerts${query ? `?${query}` : ''}`, { headers: auth(name) });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: AlertView[] }).items;
  }

  async function start(i: number): Promise<void> {
    apps[i] = await startReadyProcess(SCRIPT, { ...env, PORT: String(ports[i]) }, base(i));
  }

  /** Waits until the evaluator has applied every event on the log (its consumer has nothing left). */
  async function settled(): Promise<void> {
    await eventually(
      () => nats.jsm.consumers.info(nats.streams.events, 'alert-evaluation'),
      (info) => info.num_pending === 0 && info.num_ack_pending === 0,
      { what: 'evaluation caught up' },
    );
  }

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('rules_eval'));
    publisher = new JetStreamPublisher(nats.js);
    ports = [await freePort(), await freePort()];
    env = {
      ...appEnv(db, nats),
      LOG_LEVEL: 'info',
    };
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) await tenant(name);
    await start(0);
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) await app?.stop('SIGTERM');
    await nats.cleanup();
    await db.drop();
  });

  it('fires on a match, updates while firing, resolves on a resolving event, and fires anew after', async () => {
    const ruleId = await createRule('a', {
      name: 'disk over 90%',
      kind: 'match',
      match: { type: 'check.failed', minSeverity: 'warning', payload: [{ field: 'pct', op: 'gt', value: 90 }] },
      alert: { severity: 'critical', summary: 'disk on {{payload.host}} at {{payload.pct}}%' },
      resolve: { match: { type: 'check.passed' } },
    });
    const first = await send('a', {
      type: 'check.failed',
      severity: 'warning',
      payload: { host: 'backup-1', pct: 93 },
      receivedAt: at(0),
    });
    await send('a', {
      type: 'check.failed',
      severity: 'warning',
      payload: { host: 'backup-1', pct: 85 },
      receivedAt: at(1),
    }); // no match
    await send('a', {
      type: 'check.failed',
      severity: 'info',
      payload: { host: 'backup-1', pct: 99 },
      receivedAt: at(2),
    }); // below warning
    const second = await send('a', {
      type: 'check.failed',
      severity: 'critical',
      payload: { host: 'backup-1', pct: 95 },
      receivedAt: at(3),
    });
    const passed = await send('a', {
      type: 'check.passed',
      severity: 'info',
      payload: { host: 'backup-1' },
      receivedAt: at(4),
    });
    await eventually(
      () => facts('a'),
      (f) => f.length === 2,
      { what: 'fired and resolved' },
    );
    const [fired, resolved] = (await facts('a')) as [AlertFired, AlertResolved];
    expect(fired).toMatchObject({
      kind: 'alert.fired',
      ruleId,
      severity: 'critical',
      summary: 'disk on backup-1 at 93%',
      eventIds: [first.id],
      firedAt: first.receivedAt,
      causationId: first.id,
    });
    expect(resolved).toMatchObject({
      kind: 'alert.resolved',
      alertId: fired.alertId,
      reason: 'resolving-event',
      resolvingEventId: passed.id,
      count: 2,
    });
    // Facts go on the log before the batch commits: the list follows a moment later.
    const [view] = await eventually(
      () => alerts('a'),
      (list) => list[0]?.state === 'resolved',
      { what: 'resolved' },
    );
    expect(view).toMatchObject({ id: fired.alertId, state: 'resolved', count: 2, eventIds: [first.id, second.id] });

    await send('a', {
      type: 'check.failed',
      severity: 'warning',
      payload: { host: 'backup-1', pct: 97 },
      receivedAt: at(5),
    });
    await eventually(
      () => facts('a'),
      (f) => f.length === 3,
      { what: 'a new alert' },
    );
    const again = (await facts('a'))[2] as AlertFired;
    expect(again.kind).toBe('alert.fired');
    expect(again.alertId).not.toBe(fired.alertId);
    await settled();
    expect((await alerts('a', 'state=firing')).map((a) => a.id)).toEqual([again.alertId]);
  });

  it('fires a threshold rule once N matches fall within W, one alert per group', async () => {
    await createRule('b', {
      name: 'errors per service',
      kind: 'match',
      match: { type: 'http.error' },
      threshold: { count: 3, windowSeconds: 60 },
      groupBy: 'payload.service',
      alert: { severity: 'warning', summary: '{{count}} errors on {{payload.service}}' },
      resolve: { quietSeconds: 600 },
    });
    const send3 = (service: string, seconds: number) =>
      send('b', { type: 'http.error', payload: { service }, receivedAt: at(seconds) });
    await send3('api', 0); // falls out of the window by the time the others come
    await send3('api', 100);
    await send3('web', 101);
    await send3('api', 110);
    await send3('web', 111);
    const third = await send3('api', 120);
    await settled();
    const fired = (await facts('b')) as AlertFired[];
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ groupKey: 'api', summary: '3 errors on api' });
    expect(fired[0].eventIds).toHaveLength(3);
    expect(fired[0].eventIds[2]).toBe(third.id);
    await send3('web', 130);
    await eventually(
      () => facts('b'),
      (f) => f.length === 2,
      { what: 'the web group fires' },
    );
    expect(((await facts('b'))[1] as AlertFired).groupKey).toBe('web');
    expect((await alerts('b')).map((a) => a.groupKey).sort()).toEqual(['api', 'web']);
  });

  it('carries the deploys that preceded an alert, same service, last 30 minutes', async () => {
    await createRule('c', {
      name: 'latency',
      kind: 'match',
      match: { type: 'latency.spike' },
      alert: { severity: 'warning', summary: 'latency on {{payload.service}}' },
    });
    const old = await send('c', { type: 'deploy.started', payload: { service: 'api' }, receivedAt: at(-3600) });
    const deploy = await send('c', { type: 'deploy.finished', payload: { service: 'api' }, receivedAt: at(-120) });
    await send('c', { type: 'deploy.finished', payload: { service: 'web' }, receivedAt: at(-60) });
    await send('c', { type: 'latency.spike', payload: { service: 'api' }, receivedAt: at(0) });
    await eventually(
      () => facts('c'),
      (f) => f.length === 1,
      { what: 'fired' },
    );
    const fired = (await facts('c'))[0] as AlertFired;
    expect(fired.context.map((e) => e.id)).toEqual([deploy.id]);
    expect(fired.context.map((e) => e.id)).not.toContain(old.id);
  });

  it('survives a kill mid-stream: no alert missed, none fired twice', async () => {
    await createRule('d', {
      name: 'any failure',
      kind: 'match',
      match: { type: 'job.failed' },
      groupBy: 'payload.job',
      alert: { severity: 'warning', summary: '{{payload.job}} failed' },
    });
    for (let i = 0; i < 20; i++)
      await send('d', { type: 'job.failed', payload: { job: `job-${i % 10}` }, receivedAt: at(i) });
    await apps[0].stop('SIGKILL');
    for (let i = 20; i < 40; i++)
      await send('d', { type: 'job.failed', payload: { job: `job-${10 + (i % 10)}` }, receivedAt: at(i) });
    await start(0);
    await settled();
    await eventually(
      () => facts('d'),
      (f) => f.length === 20,
      { what: 'twenty alerts' },
    );
    const fired = (await facts('d')) as AlertFired[];
    expect(new Set(fired.map((f) => f.groupKey)).size).toBe(20);
    expect(new Set(fired.map((f) => f.alertId)).size).toBe(20);
    const firing = await alerts('d', 'state=firing&limit=500');
    expect(firing).toHaveLength(20);
    expect(firing.reduce((sum, alert) => sum + alert.count, 0)).toBe(40);

    // Cursor pages, newest first, no alert twice or missing.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=7${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await (await fetch(`${base()}/api/v1/alerts?${query}`, { headers: auth('d') })).json()) as {
        items: AlertView[];
        nextCursor: string | null;
      };
      paged.push(...page.items.map((alert) => alert.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(firing.map((alert) => alert.id));
  });

  it('fires each alert once with two evaluator replicas, and keeps tenants apart', async () => {
    await start(1);
    await createRule('e', {
      name: 'backup failed',
      kind: 'match',
      match: { type: 'backup.failed' },
      groupBy: 'source',
      alert: { severity: 'critical', summary: 'backup failed on {{source}}' },
    });
    for (let i = 0; i < 10; i++) await send('e', { type: 'backup.failed', source: `host-${i}`, receivedAt: at(i) });
    // Another tenant's identical events: they are not e's.
    for (let i = 0; i < 5; i++) await send('a', { type: 'backup.failed', source: `host-${i}`, receivedAt: at(i) });
    await settled();
    await eventually(
      () => facts('e'),
      (f) => f.length === 10,
      { what: 'ten alerts' },
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await facts('e')).toHaveLength(10);
    expect((await alerts('a')).some((alert) => alert.summary.startsWith('backup failed'))).toBe(false);
    const response = await fetch(`${base()}/api/v1/alerts`, { headers: auth('b') });
    const bAlerts = ((await response.json()) as { items: AlertView[] }).items;
    expect(bAlerts.every((alert) => alert.summary.includes('errors on'))).toBe(true);
  });

  const now = () => new Date().toISOString();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('dead-man’s switch: heartbeats every second, P = 3 s: fires after they stop, resolves when they resume', async () => {
    const ruleId = await createRule('f', {
      name: 'cron heartbeat',
      kind: 'absence',
      match: { type: 'heartbeat', source: 'cron-1' },
      everySeconds: 3,
      graceSeconds: 0,
      alert: { severity: 'critical', summary: 'cron-1 stopped' },
    });
    for (let i = 0; i < 4; i++) {
      await send('f', { type: 'heartbeat', source: 'cron-1', receivedAt: now() });
      await sleep(1000);
    }
    expect(await facts('f')).toEqual([]); // beating: no alert
    const lastBeat = Date.now() - 1000;
    await eventually(
      () => facts('f'),
      (f) => f.length === 1,
      { what: 'fired on silence', timeoutMs: 12_000 },
    );
    const fired = (await facts('f'))[0] as AlertFired;
    expect(fired).toMatchObject({
      kind: 'alert.fired',
      ruleId,
      ruleKind: 'absence',
      summary: 'cron-1 stopped',
      eventIds: [],
    });
    // Within 5 s of the deadline (last beat + 3 s).
    expect(Date.parse(fired.firedAt) - (lastBeat + 3000)).toBeLessThan(5000);
    await sleep(2500);
    expect(await facts('f')).toHaveLength(1); // still silent: fired once, not every second

    const beat = await send('f', { type: 'heartbeat', source: 'cron-1', receivedAt: now() });
    await eventually(
      () => facts('f'),
      (f) => f.length === 2,
      { what: 'resolved by the next beat' },
    );
    expect((await facts('f'))[1]).toMatchObject({
      kind: 'alert.resolved',
      alertId: fired.alertId,
      reason: 'event-arrived',
      resolvingEventId: beat.id,
    });
  }, 30_000);

  it('never fires on a silence it merely did not read: heartbeats that came while it was down count', async () => {
    await createRule('g', {
      name: 'sensor heartbeat',
      kind: 'absence',
      match: { type: 'heartbeat', source: 'sensor-1' },
      everySeconds: 3,
      graceSeconds: 0,
      alert: { severity: 'warning', summary: 'sensor-1 silent' },
    });
    await send('g', { type: 'heartbeat', source: 'sensor-1', receivedAt: now() });
    await settled();
    await apps[0].stop('SIGKILL');
    if (apps[1]) await apps[1].stop('SIGKILL');
    // The sensor keeps beating every second, also while the evaluator restarts (a busy machine may take
    // longer than P to start it): only the heartbeats it has not read yet say the sensor is alive.
    let beating = true;
    const beats = (async () => {
      while (beating) {
        await sleep(1000);
        if (beating) await send('g', { type: 'heartbeat', source: 'sensor-1', receivedAt: now() });
      }
    })();
    await sleep(5000); // down 5 s, longer than P
    await start(0);
    await settled();
    await sleep(1500);
    expect(await facts('g')).toEqual([]);
    beating = false;
    await beats;
    await eventually(
      () => facts('g'),
      (f) => f.length === 1,
      { what: 'fires once the beats really stop', timeoutMs: 10_000 },
    );
  }, 40_000);

  it('resolves a match alert after its quiet period', async () => {
    await createRule('h', {
      name: 'queue backlog',
      kind: 'match',
      match: { type: 'queue.backlog' },
      alert: { severity: 'warning', summary: 'backlog' },
      resolve: { quietSeconds: 2 },
    });
    await send('h', { type: 'queue.backlog', receivedAt: now() });
    await eventually(
      () => facts('h'),
      (f) => f.length === 2,
      { what: 'fired, then quiet', timeoutMs: 10_000 },
    );
    expect((await facts('h')).map((f) => f.kind)).toEqual(['alert.fired', 'alert.resolved']);
    expect((await facts('h'))[1]).toMatchObject({ reason: 'quiet', resolvingEventId: null, count: 1 });

    // A rule deleted while its alert fires: the alert resolves, it does not fire forever.
    const ruleId = await createRule('h', {
      name: 'disk full',
      kind: 'match',
      match: { type: 'disk.full' },
      alert: { severity: 'critical', summary: 'disk full' },
    });
    await send('h', { type: 'disk.full', receivedAt: now() });
    await eventually(
      () => facts('h'),
      (f) => f.length === 3,
      { what: 'fired' },
    );
    const deleted = await fetch(`${base()}/api/v1/alert-rules/${ruleId}`, { method: 'DELETE', headers: auth('h') });
    expect(deleted.status).toBe(204);
    await eventually(
      () => facts('h'),
      (f) => f.length === 4,
      { what: 'resolved with its rule gone' },
    );
    expect((await facts('h'))[3]).toMatchObject({ kind: 'alert.resolved', reason: 'rule-deleted' });
  }, 20_000);

  it('judges only events received after a rule existed (a backlog or replay never fires a new rule)', async () => {
    const before = new Date(Date.now() - 60_000).toISOString();
    await createRule('h', {
      name: 'late rule',
      kind: 'match',
      match: { type: 'old.news' },
      alert: { severity: 'info', summary: 'old' },
    });
    const count = (await facts('h')).length;
    await send('h', { type: 'old.news', receivedAt: before });
    await send('h', { type: 'old.news', receivedAt: now() });
    await eventually(
      () => facts('h'),
      (f) => f.length === count + 1,
      { what: 'only the new event fires' },
    );
    await settled();
    expect(await facts('h')).toHaveLength(count + 1);
  }, 20_000);

  it('explains, for one event, which rules matched or missed and the condition that decided it', async () => {
    // Tenant a's disk rule (pct > 90, minimum warning, resolved by check.passed) is firing by now.
    const hit = await send('a', {
      type: 'check.failed',
      severity: 'warning',
      payload: { host: 'backup-1', pct: 99 },
      receivedAt: at(10),
    });
    const miss = await send('a', {
      type: 'check.failed',
      severity: 'warning',
      payload: { host: 'backup-1', pct: 85 },
      receivedAt: at(11),
    });
    await settled();
    const explain = async (tenantName: string, id: string, query = '') => {
      const response = await fetch(`${base()}/api/v1/events/${id}/evaluations${query}`, { headers: auth(tenantName) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const matched = await explain('a', hit.id);
    expect(matched.status).toBe(200);
    expect(matched.body.event).toMatchObject({ id: hit.id, type: 'check.failed' });
    expect(matched.body.evaluations).toEqual([
      expect.objectContaining({ ruleName: 'disk over 90%', matched: true, resolves: false }),
    ]);
    expect(matched.body.alerts as Array<{ state: string }>).toEqual([expect.objectContaining({ state: 'firing' })]);

    const missed = await explain('a', miss.id);
    expect(missed.body.evaluations).toEqual([
      expect.objectContaining({ matched: false, condition: 'payload.pct > 90', reason: 'payload.pct is 85' }),
    ]);
    expect(missed.body.alerts).toEqual([]);

    expect((await explain('b', hit.id)).status).toBe(404); // another tenant's event
    expect((await explain('a', uuidv7())).status).toBe(404);
    const v4 = '3f8e4a2c-1d2b-4c3d-9e4f-5a6b7c8d9e0f';
    const noTime = await explain('a', v4);
    expect(noTime.status).toBe(400);
    expect(noTime.body.errors).toEqual([expect.objectContaining({ field: 'at' })]);
    expect((await explain('a', v4, `?at=${encodeURIComponent(new Date().toISOString())}`)).status).toBe(404);
  });

  it('answers 400 for bad alert filters and 401 without a token', async () => {
    const bad = await fetch(`${base()}/api/v1/alerts?state=open&limit=0&cursor=x&severity=loud&extra=1`, {
      headers: auth('a'),
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { errors: Array<{ field: string }> };
    expect(body.errors.map((e) => e.field).sort()).toEqual(['cursor', 'extra', 'limit', 'severity', 'state']);
    expect((await fetch(`${base()}/api/v1/alerts`)).status).toBe(401);
  });
});
