import { DeliverPolicy } from '@nats-io/jetstream';
import { decodeEventStreamFact, EventIngestedCodec, type EventIngested, type EventStreamFact } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { JetStreamPublisher } from '@daalu/platform/jetstream';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  aTenantWithApiToken,
  eventually,
  freePort,
  settableClock,
  startProcess,
  startReadyProcess,
  type AppProcess,
  type SettableClock,
  type TestDatabase,
  type TestNats,
} from '@daalu/testing';

const SCRIPT = 'apps/rule-evaluator/src/main.js';

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * Heartbeat checks on the real log, with the evaluator's clock set by the test (a preload moves
 * Date.now in its process): a cron schedule across a DST change in Europe/Berlin, late then down,
 * the failure signal, a run that started and never finished, pause and resume, and a rebuild that
 * reproduces alerts, silences and checks as they were.
 */
describe('heartbeat checks', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let publisher: JetStreamPublisher;
  let clock: SettableClock;
  let env: Record<string, string>;
  let app: AppProcess;
  let base: string;
  const tenants: Array<{ id: string; token: string }> = [];

  async function call(tenant: { token: string }, method: string, path: string, body?: unknown): Promise<Answer> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tenant.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  async function newTenant(): Promise<{ id: string; token: string }> {
    const tenant = await aTenantWithApiToken(nats);
    tenants.push(tenant);
    return tenant;
  }

  async function rule(tenant: { token: string }, spec: object): Promise<string> {
    const created = await call(tenant, 'POST', '/api/v1/alert-rules', {
      kind: 'absence',
      alert: { severity: 'critical', summary: 'heartbeat missed' },
      ...spec,
    });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  async function ping(tenant: { id: string }, type: string, at: string, severity: EventIngested['severity'] = 'info') {
    const event = anIngestedEvent(tenant.id, { type, severity, payload: {}, receivedAt: at });
    await publisher.publish(nats.subjects.event(tenant.id), EventIngestedCodec, event);
    return event;
  }

  /** Every fact on the tenant's alerts subject, in log order. */
  async function facts(tenant: { id: string }): Promise<EventStreamFact[]> {
    const consumer = await nats.js.consumers.get(nats.streams.events, {
      filter_subjects: nats.subjects.alert(tenant.id),
      deliver_policy: DeliverPolicy.All,
    });
    const out: EventStreamFact[] = [];
    const pending = (await consumer.info()).num_pending;
    if (pending === 0) return out;
    const batch = await consumer.fetch({ max_messages: pending, expires: 2000 });
    for await (const msg of batch) {
      const fact = decodeEventStreamFact(msg.headers, msg.data);
      if (fact) out.push(fact);
      if (out.length === pending) break;
    }
    return out;
  }
  const alertFacts = async (tenant: { id: string }) =>
    (await facts(tenant)).filter((fact) => fact.kind.startsWith('alert.')) as Array<EventStreamFact & { alertId: string }>;

  async function check(tenant: { token: string }, ruleId: string) {
    const answer = await call(tenant, 'GET', `/api/v1/checks?ruleId=${ruleId}`);
    expect(answer.status).toBe(200);
    expect(answer.body.items).toHaveLength(1);
    return answer.body.items[0];
  }

  async function settled(): Promise<void> {
    await eventually(
      () => nats.jsm.consumers.info(nats.streams.events, 'alert-evaluation'),
      (info) => info.num_pending === 0 && info.num_ack_pending === 0,
      { what: 'evaluation caught up' },
    );
  }

  /** A few of the evaluator's clock ticks (once a second). */
  const ticks = () => new Promise((resolve) => setTimeout(resolve, 2500));

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('rules_checks'));
    publisher = new JetStreamPublisher(nats.js);
    clock = settableClock();
    base = `http://127.0.0.1:${await freePort()}`;
    env = { ...appEnv(db, nats), ...clock.env, PORT: new URL(base).port, LOG_LEVEL: 'info' };
    app = await startReadyProcess(SCRIPT, env, base);
  }, 60_000);

  afterAll(async () => {
    await app?.stop('SIGTERM');
    await nats.cleanup();
    await db.drop();
  });

  it('follows a cron schedule in Europe/Berlin across the DST change: up, late within grace, down, up again', async () => {
    const tenant = await newTenant();
    await clock.set('2027-03-26T12:00:00Z');
    const ruleId = await rule(tenant, {
      name: 'nightly backup',
      match: { type: 'backup.nightly' },
      schedule: '0 9 * * *',
      timezone: 'Europe/Berlin',
      graceSeconds: 600,
    });
    expect((await check(tenant, ruleId)).state).toBe('new');
    // 09:00:05 in Berlin on Saturday, still winter time (UTC+1).
    await ping(tenant, 'backup.nightly', '2027-03-27T08:00:05.000Z');
    await settled();
    await clock.set('2027-03-27T09:00:00Z');
    // Sunday 09:00 is summer time (UTC+2): 07:00 UTC, not 08:00.
    expect(await check(tenant, ruleId)).toMatchObject({
      state: 'up',
      schedule: '0 9 * * *',
      timezone: 'Europe/Berlin',
      graceSeconds: 600,
      lastSeenAt: '2027-03-27T08:00:05.000Z',
      nextExpectedAt: '2027-03-28T07:00:00.000Z',
      nextDeadlineAt: '2027-03-28T07:10:00.000Z',
      pings: [{ at: '2027-03-27T08:00:05.000Z', kind: 'success', durationMs: null }],
    });

    await clock.set('2027-03-28T07:05:00Z');
    expect((await check(tenant, ruleId)).state).toBe('late');
    await ticks();
    expect(await alertFacts(tenant)).toEqual([]);

    await clock.set('2027-03-28T07:10:30Z');
    const [fired] = await eventually(
      () => alertFacts(tenant),
      (list) => list.length === 1,
      { what: 'the missed deadline fires' },
    );
    expect(fired).toMatchObject({ kind: 'alert.fired', ruleId, ruleKind: 'absence', causationId: null });
    const firedAt = Date.parse((fired as { firedAt: string }).firedAt);
    expect(firedAt).toBeGreaterThanOrEqual(Date.parse('2027-03-28T07:10:01Z'));
    expect(firedAt).toBeLessThan(Date.parse('2027-03-28T07:11:00Z'));
    await eventually(
      () => check(tenant, ruleId),
      (view) => view.alertId === fired.alertId,
      { what: 'the check shows its alert' },
    );
    expect((await check(tenant, ruleId)).state).toBe('down');

    const late = await ping(tenant, 'backup.nightly', '2027-03-28T07:12:00.000Z');
    const [, resolved] = await eventually(
      () => alertFacts(tenant),
      (list) => list.length === 2,
      { what: 'the late ping resolves it' },
    );
    expect(resolved).toMatchObject({ kind: 'alert.resolved', reason: 'event-arrived', resolvingEventId: late.id });
    await settled();
    expect(await check(tenant, ruleId)).toMatchObject({
      state: 'up',
      alertId: null,
      nextExpectedAt: '2027-03-29T07:00:00.000Z',
    });
  });

  it('fires at once on the failure signal (a .failed type, or a critical ping), and a success resolves it', async () => {
    const tenant = await newTenant();
    await clock.set('2027-04-01T10:00:00Z');
    const ruleId = await rule(tenant, { name: 'etl', match: { type: 'etl.load' }, everySeconds: 3600, graceSeconds: 60 });
    await ping(tenant, 'etl.load', '2027-04-01T10:00:01.000Z');
    const failed = await ping(tenant, 'etl.load.failed', '2027-04-01T10:00:02.000Z');
    const [fired] = await eventually(
      () => alertFacts(tenant),
      (list) => list.length === 1,
      { what: 'the failure fires' },
    );
    expect(fired).toMatchObject({ kind: 'alert.fired', ruleId, causationId: failed.id, eventIds: [failed.id] });
    await settled();
    expect(await check(tenant, ruleId)).toMatchObject({ state: 'down', alertId: fired.alertId });

    await ping(tenant, 'etl.load', '2027-04-01T10:00:03.000Z');
    const critical = await ping(tenant, 'etl.load', '2027-04-01T10:00:04.000Z', 'critical');
    const list = await eventually(
      () => alertFacts(tenant),
      (all) => all.length === 3,
      { what: 'resolved, then the critical ping fires' },
    );
    expect(list.map((fact) => fact.kind)).toEqual(['alert.fired', 'alert.resolved', 'alert.fired']);
    expect(list[2]).toMatchObject({ causationId: critical.id });
    expect(list[2].alertId).not.toBe(fired.alertId);
    await settled();
    expect((await check(tenant, ruleId)).pings.map((p: { kind: string }) => p.kind)).toEqual([
      'success',
      'fail',
      'success',
      'fail',
    ]);
  });

  it('records a run from its start signal, and fires when a started run is not done within maxRunSeconds', async () => {
    const tenant = await newTenant();
    await clock.set('2027-04-02T10:00:00Z');
    const ruleId = await rule(tenant, {
      name: 'report',
      match: { type: 'report.build' },
      everySeconds: 86_400,
      maxRunSeconds: 60,
    });
    await ping(tenant, 'report.build.started', '2027-04-02T10:00:01.000Z');
    await ping(tenant, 'report.build', '2027-04-02T10:00:31.000Z');
    await settled();
    expect(await check(tenant, ruleId)).toMatchObject({
      state: 'up',
      lastDurationMs: 30_000,
      runningSince: null,
      maxRunSeconds: 60,
      pings: [
        { kind: 'start', durationMs: null },
        { kind: 'success', durationMs: 30_000 },
      ],
    });

    await ping(tenant, 'report.build.started', '2027-04-02T10:00:40.000Z');
    await settled();
    expect((await check(tenant, ruleId)).runningSince).toBe('2027-04-02T10:00:40.000Z');
    await clock.set('2027-04-02T10:01:30Z');
    await ticks();
    expect(await alertFacts(tenant)).toEqual([]); // 50 s in: not yet
    await clock.set('2027-04-02T10:01:42Z');
    const [fired] = await eventually(
      () => alertFacts(tenant),
      (list) => list.length === 1,
      { what: 'the run too long fires' },
    );
    expect(fired).toMatchObject({ kind: 'alert.fired', ruleId, causationId: null });
    await ping(tenant, 'report.build', '2027-04-02T10:01:50.000Z');
    await eventually(
      () => alertFacts(tenant),
      (list) => list.length === 2 && list[1].kind === 'alert.resolved',
      { what: 'the finish resolves it' },
    );
    await settled();
    expect(await check(tenant, ruleId)).toMatchObject({ state: 'up', lastDurationMs: 70_000, runningSince: null });
  });

  it('pauses a check (no alerts, pings still kept) and resumes it with its deadline counted from then', async () => {
    const tenant = await newTenant();
    await clock.set('2027-04-03T10:00:00Z');
    const ruleId = await rule(tenant, { name: 'sync', match: { type: 'sync.beat' }, everySeconds: 60 });
    await ping(tenant, 'sync.beat', '2027-04-03T10:00:01.000Z');
    await settled();
    const paused = await call(tenant, 'POST', `/api/v1/checks/${ruleId}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.items[0]).toMatchObject({ ruleId, state: 'paused', nextDeadlineAt: null });

    await clock.set('2027-04-03T10:05:00Z');
    await ping(tenant, 'sync.beat.failed', '2027-04-03T10:05:01.000Z');
    await ticks();
    await settled();
    expect(await alertFacts(tenant)).toEqual([]);
    expect((await check(tenant, ruleId)).pings.map((p: { kind: string }) => p.kind)).toEqual(['success', 'fail']);

    const resumed = await call(tenant, 'POST', `/api/v1/checks/${ruleId}/resume`);
    expect(resumed.status).toBe(200);
    const view = resumed.body.items[0];
    expect(view.state).toBe('up');
    const resumedAt = Date.parse(view.nextExpectedAt) - 60_000;
    expect(resumedAt).toBeGreaterThanOrEqual(Date.parse('2027-04-03T10:05:00Z'));
    expect(resumedAt).toBeLessThan(Date.parse('2027-04-03T10:05:30Z'));
    expect((await facts(tenant)).map((fact) => fact.kind)).toEqual(['check.paused', 'check.resumed']);

    await clock.set(new Date(resumedAt + 62_000));
    const [fired] = await eventually(
      () => alertFacts(tenant),
      (list) => list.length === 1,
      { what: 'fires a minute after the resume' },
    );
    expect(fired).toMatchObject({ kind: 'alert.fired', ruleId });
  });

  it('refuses a bad check: no schedule and no period, a bad cron, an unknown zone, an unknown check', async () => {
    const tenant = await newTenant();
    const refused = async (spec: object) => {
      const answer = await call(tenant, 'POST', '/api/v1/alert-rules', {
        name: 'x',
        kind: 'absence',
        match: { type: 'x' },
        alert: { severity: 'info', summary: 'x' },
        ...spec,
      });
      expect(answer.status).toBe(400);
      return answer.body.errors.map((e: { field: string; message: string }) => `${e.field}: ${e.message}`);
    };
    expect(await refused({})).toEqual(['everySeconds: an absence rule needs either everySeconds or schedule']);
    expect(await refused({ everySeconds: 60, schedule: '* * * * *' })).toEqual([
      'everySeconds: an absence rule needs either everySeconds or schedule',
    ]);
    expect((await refused({ schedule: '61 * * * *' }))[0]).toMatch(/^schedule: schedule is not a valid cron expression/);
    expect(await refused({ schedule: '0 0 30 2 *' })).toEqual(['schedule: schedule never fires']);
    expect((await refused({ schedule: '0 9 * * * *' }))[0]).toMatch(/^schedule: schedule must be a cron expression of 5 fields/);
    expect(await refused({ schedule: '0 9 * * *', timezone: 'Mars/Olympus' })).toEqual([
      'timezone: timezone Mars/Olympus is not an IANA time zone (such as Europe/Berlin)',
    ]);
    expect(await refused({ everySeconds: 60, timezone: 'UTC' })).toEqual(['timezone: timezone goes with schedule']);
    const matchRule = await call(tenant, 'POST', '/api/v1/alert-rules', {
      name: 'm',
      kind: 'match',
      match: { type: 'x' },
      alert: { severity: 'info', summary: 'x' },
    });
    expect((await call(tenant, 'POST', `/api/v1/checks/${matchRule.body.id}/pause`)).status).toBe(404);
    expect((await call(tenant, 'GET', '/api/v1/checks?state=sleepy')).status).toBe(400);
  });

  it('a rebuild by replay reproduces the alerts (silenced, acknowledged), the silences and the checks', async () => {
    const tenant = await newTenant();
    await clock.set('2027-04-04T10:00:00Z');
    const ruleId = await rule(tenant, { name: 'beat', match: { type: 'svc.beat' }, everySeconds: 60 });
    const silence = await call(tenant, 'POST', '/api/v1/silences', {
      matchers: { ruleId },
      endsAt: '2027-04-04T11:00:00.000Z',
      comment: 'maintenance',
    });
    expect(silence.status).toBe(201);
    await ping(tenant, 'svc.beat', '2027-04-04T10:00:01.000Z');
    await settled();
    await clock.set('2027-04-04T10:01:05Z');
    const [fired] = await eventually(
      () => alertFacts(tenant),
      (list) => list.length === 1,
      { what: 'the silenced alert fires' },
    );
    expect(fired).toMatchObject({ kind: 'alert.fired', silencedBy: silence.body.id });
    expect((await call(tenant, 'POST', `/api/v1/alerts/${fired.alertId}/acknowledge`, { note: 'on it' })).status).toBe(
      200,
    );
    await ticks();
    await settled();

    const snapshot = async () =>
      Promise.all(
        tenants.map(async (t) => ({
          alerts: (await call(t, 'GET', '/api/v1/alerts?limit=100')).body.items.map(
            ({ lastSeenAt, ...alert }: { lastSeenAt: string }) => alert, // eslint-disable-line @typescript-eslint/no-unused-vars
          ),
          silences: (await call(t, 'GET', '/api/v1/silences')).body.items,
          checks: (await call(t, 'GET', '/api/v1/checks')).body.items,
        })),
      );
    const before = await snapshot();
    expect(before[tenants.length - 1].alerts[0]).toMatchObject({
      id: fired.alertId,
      state: 'firing',
      silencedBy: silence.body.id,
      acknowledgeNote: 'on it',
    });

    await app.stop('SIGTERM');
    const rebuild = startProcess(SCRIPT, ['rebuild', 'alert-evaluation'], env);
    expect(await rebuild.exited).toBe(0);
    app = await startReadyProcess(SCRIPT, env, base);
    await settled();
    expect(await snapshot()).toEqual(before);
  }, 120_000);
});
