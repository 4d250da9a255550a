import type {
  AlertAcknowledged,
  AlertFired,
  AlertResolved,
  AlertRuleSpec,
  AlertUnacknowledged,
  AlertUnsilenced,
  CheckPaused,
  CheckResumed,
  EventIngested,
  EventStreamFact,
  MatchSpec,
  SilenceCreated,
  SilenceExpired,
  SilenceMatchers,
} from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { CompiledMatch, typeGlob } from '../compiled-match';
import { alertIdFor, factIdFor } from './alert-ids';
import { AlertMachine, CHECK_PINGS_KEPT, JUDGE_MARGIN_MS, MachineChanges, type MachineSnapshot } from './alert-machine';
import type { AlertState } from './alert-states';
import { ChangeContext } from './change-context';
import { CheckSchedule } from './check-schedule';
import type { RuleOfTenant, RuleSet } from './rule-set';

// ---- fixtures ------------------------------------------------------------------------------------

const TENANT = '0194f3a2-7c1e-7a00-8000-00000000a001';
const OTHER_TENANT = '0194f3a2-7c1e-7a00-8000-00000000a002';
const ACTOR = 'alice (dat_7fQ2…)';
/** Every test's clock starts here: a fixed time, never Date.now(). */
const T0 = Date.parse('2027-01-04T00:00:00.000Z');
const s = (seconds: number) => T0 + seconds * 1000;
const iso = (time: number) => new Date(time).toISOString();

/** Ids made in order, so a test's input is the same on every run (and for every machine fed it). */
let counter = 0;
const nextId = () => `0194f3a2-7c1e-7a00-8000-${(++counter).toString(16).padStart(12, '0')}`;

/**
 * The evaluator's rule directory, in memory and small: rules built as rule-directory.ts builds them
 * (match and resolve compiled, a schedule for absence rules), candidates filtered the same way (by the
 * type and source of `match` or `resolve.match`).
 */
class TestRules implements RuleSet {
  private readonly byTenant = new Map<string, Map<string, RuleOfTenant>>();

  add(
    rule: AlertRuleSpec,
    options: { tenantId?: string; createdAtMs?: number; version?: number; id?: string } = {},
  ): RuleOfTenant {
    const tenantId = options.tenantId ?? TENANT;
    const stored: RuleOfTenant = {
      id: options.id ?? nextId(),
      tenantId,
      version: options.version ?? 1,
      rule,
      createdAtMs: options.createdAtMs ?? T0,
      compiled: {
        match: new CompiledMatch(rule.match),
        resolve: rule.resolve && 'match' in rule.resolve ? new CompiledMatch(rule.resolve.match) : undefined,
        ...(rule.kind === 'absence' ? { schedule: new CheckSchedule(rule) } : {}),
      },
    };
    let rules = this.byTenant.get(tenantId);
    if (!rules) this.byTenant.set(tenantId, (rules = new Map()));
    rules.set(stored.id, stored);
    return stored;
  }

  delete(stored: RuleOfTenant): void {
    this.byTenant.get(stored.tenantId)?.delete(stored.id);
  }

  candidates(tenantId: string, type: string, source: string): readonly RuleOfTenant[] {
    const admits = (match: MatchSpec) =>
      (match.type === undefined || (match.type.includes('*') ? typeGlob(match.type).matches(type) : match.type === type)) &&
      (match.source === undefined || match.source === source);
    return [...(this.byTenant.get(tenantId)?.values() ?? [])].filter(
      ({ rule }) => admits(rule.match) || (rule.resolve !== undefined && 'match' in rule.resolve && admits(rule.resolve.match)),
    );
  }

  get(tenantId: string, ruleId: string): RuleOfTenant | undefined {
    return this.byTenant.get(tenantId)?.get(ruleId);
  }

  *allOfKind(kind: 'match' | 'absence'): Iterable<RuleOfTenant> {
    for (const rules of this.byTenant.values()) for (const stored of rules.values()) if (stored.rule.kind === kind) yield stored;
  }
}

const matchRule = (overrides: Partial<AlertRuleSpec> = {}): AlertRuleSpec => ({
  name: 'Disk full',
  kind: 'match',
  enabled: true,
  match: { type: 'disk.full' },
  alert: { severity: 'critical', summary: 'Disk full on {{payload.host}}' },
  ...overrides,
});

/** A heartbeat check: `backup.done` every hour, five minutes of grace. */
const checkRule = (overrides: Partial<AlertRuleSpec> = {}): AlertRuleSpec => ({
  name: 'Nightly backup',
  kind: 'absence',
  enabled: true,
  match: { type: 'backup.done' },
  everySeconds: 3600,
  graceSeconds: 300,
  alert: { severity: 'critical', summary: 'Backup missing' },
  ...overrides,
});

function event(at: number, type: string, overrides: Partial<EventIngested> = {}): EventIngested {
  return anIngestedEvent(overrides.tenantId ?? TENANT, {
    id: nextId(),
    type,
    module: 'custom',
    source: 'web-1',
    summary: `${type} happened`,
    severity: 'warning',
    payload: {},
    receivedAt: iso(at),
    ...overrides,
  });
}

/** What every fact a person causes about an alert repeats of it (as the API publishes them). */
const identityOf = (alert: AlertState) => ({
  alertId: alert.alertId,
  ruleId: alert.ruleId,
  ruleName: alert.ruleName,
  groupKey: alert.groupKey,
  severity: alert.severity,
  summary: alert.summary,
});

const header = <K extends string>(kind: K, tenantId: string, correlationId: string) => ({
  schemaVersion: 1 as const,
  kind,
  id: nextId(),
  tenantId,
  correlationId,
  causationId: null,
});

const acknowledged = (alert: AlertState, at: number, tenantId = alert.tenantId): AlertAcknowledged => ({
  ...header('alert.acknowledged', tenantId, alert.alertId),
  ...identityOf(alert),
  acknowledgedAt: iso(at),
  actor: ACTOR,
  note: 'on it',
});

const unacknowledged = (alert: AlertState, at: number): AlertUnacknowledged => ({
  ...header('alert.unacknowledged', alert.tenantId, alert.alertId),
  ...identityOf(alert),
  unacknowledgedAt: iso(at),
  actor: ACTOR,
});

/** As the API publishes a resolution by hand: the alert's own resolved-fact id, reason manual. */
const resolvedByHand = (alert: AlertState, at: number, tenantId = alert.tenantId): AlertResolved => ({
  ...header('alert.resolved', tenantId, alert.alertId),
  id: factIdFor(alert.alertId, 'resolved'),
  ...identityOf(alert),
  resolvedAt: iso(at),
  reason: 'manual',
  resolvingEventId: null,
  count: alert.count,
  actor: ACTOR,
  note: 'fixed the disk',
});

function silenceCreated(
  silenceId: string,
  matchers: SilenceMatchers,
  startsAt: number,
  endsAt: number,
  tenantId = TENANT,
): SilenceCreated {
  return {
    ...header('silence.created', tenantId, silenceId),
    occurredAt: iso(startsAt),
    actor: ACTOR,
    silenceId,
    matchers,
    startsAt: iso(startsAt),
    endsAt: iso(endsAt),
    comment: 'maintenance',
  };
}

const silenceExpired = (silenceId: string, at: number, tenantId = TENANT): SilenceExpired => ({
  ...header('silence.expired', tenantId, silenceId),
  occurredAt: iso(at),
  actor: ACTOR,
  silenceId,
});

const checkPaused = (rule: RuleOfTenant, at: number): CheckPaused => ({
  ...header('check.paused', rule.tenantId, rule.id),
  occurredAt: iso(at),
  actor: ACTOR,
  ruleId: rule.id,
  ruleName: rule.rule.name,
});

const checkResumed = (rule: RuleOfTenant, at: number): CheckResumed => ({
  ...header('check.resumed', rule.tenantId, rule.id),
  occurredAt: iso(at),
  actor: ACTOR,
  ruleId: rule.id,
  ruleName: rule.rule.name,
});

// ---- driving the machine -------------------------------------------------------------------------

let rules: TestRules;
const newMachine = () => new AlertMachine(rules, new ChangeContext(['deploy.*'], 3_600_000));

/** One batch of facts, in log order. */
function feed(machine: AlertMachine, ...facts: EventStreamFact[]): MachineChanges {
  const work = new MachineChanges();
  for (const fact of facts) machine.apply(fact, work);
  return work;
}

function tick(machine: AlertMachine, now: number): MachineChanges {
  const work = new MachineChanges();
  machine.tick(now, work);
  return work;
}

type Step = EventStreamFact | { tick: number };

/** Facts and ticks into one MachineChanges (a batch, then the clock, as the evaluator does them). */
function play(machine: AlertMachine, steps: Step[], work = new MachineChanges()): MachineChanges {
  for (const step of steps) {
    if ('tick' in step) machine.tick(step.tick, work);
    else machine.apply(step, work);
  }
  return work;
}

const kinds = (work: MachineChanges) => work.facts.map((item) => item.kind);

function firedIn(work: MachineChanges, index = 0): AlertFired {
  const item = work.facts[index];
  if (item?.kind !== 'alert.fired') throw new Error(`fact ${index} is ${item?.kind ?? 'missing'}, not alert.fired`);
  return item.fact;
}

function resolvedIn(work: MachineChanges, index = 0): AlertResolved {
  const item = work.facts[index];
  if (item?.kind !== 'alert.resolved') throw new Error(`fact ${index} is ${item?.kind ?? 'missing'}, not alert.resolved`);
  return item.fact;
}

function unsilencedIn(work: MachineChanges, index = 0): AlertUnsilenced {
  const item = work.facts[index];
  if (item?.kind !== 'alert.unsilenced')
    throw new Error(`fact ${index} is ${item?.kind ?? 'missing'}, not alert.unsilenced`);
  return item.fact;
}

function alertIn(work: MachineChanges, alertId: string): AlertState {
  const alert = work.alerts.get(alertId);
  if (!alert) throw new Error(`alert ${alertId} did not change`);
  return alert;
}

beforeEach(() => {
  rules = new TestRules();
});

// ---- match rules ---------------------------------------------------------------------------------

describe('AlertMachine: match rules', () => {
  it('fires once on a match: an alert.fired fact whose ids derive from the rule, group and event', () => {
    const rule = rules.add(matchRule());
    const e1 = event(s(10), 'disk.full', { payload: { host: 'db-1' } });
    const machine = newMachine();

    expect(feed(machine, event(s(5), 'disk.ok'), event(s(6), 'disk.full', { tenantId: OTHER_TENANT })).facts).toEqual(
      [],
    );
    const work = feed(machine, e1);

    const alertId = alertIdFor(rule.id, '', e1.id);
    expect(work.facts).toEqual([
      {
        kind: 'alert.fired',
        fact: {
          schemaVersion: 1,
          kind: 'alert.fired',
          id: factIdFor(alertId, 'fired'),
          tenantId: TENANT,
          correlationId: e1.id,
          causationId: e1.id,
          alertId,
          ruleId: rule.id,
          ruleVersion: 1,
          ruleName: 'Disk full',
          ruleKind: 'match',
          groupKey: '',
          severity: 'critical',
          summary: 'Disk full on db-1',
          firedAt: '2027-01-04T00:00:10.000Z',
          eventIds: [e1.id],
          context: [],
        },
      },
    ]);
    expect(alertIn(work, alertId)).toEqual({
      alertId,
      tenantId: TENANT,
      ruleId: rule.id,
      ruleName: 'Disk full',
      ruleKind: 'match',
      groupKey: '',
      state: 'firing',
      severity: 'critical',
      summary: 'Disk full on db-1',
      firedAt: s(10),
      resolvedAt: null,
      resolveReason: null,
      count: 1,
      lastSeenAt: s(10),
      eventIds: [e1.id],
      context: [],
      acknowledged: null,
      resolvedBy: null,
      resolveNote: null,
      dedupKey: null,
      silencedBy: null,
    });
    // Another machine fed the same input decides the same facts, ids included.
    expect(feed(newMachine(), e1).facts).toEqual(work.facts);
  });

  it('counts a second match on the firing alert (count, lastSeenAt, eventIds) and fires nothing new', () => {
    const rule = rules.add(matchRule());
    const machine = newMachine();
    const e1 = event(s(10), 'disk.full', { payload: { host: 'db-1' } });
    const e2 = event(s(20), 'disk.full', { payload: { host: 'db-1' } });
    const e3 = event(s(30), 'disk.full', { payload: { host: 'db-2' } });
    const alertId = alertIdFor(rule.id, '', e1.id);

    const first = feed(machine, e1, e2);
    expect(kinds(first)).toEqual(['alert.fired']);
    // The fact is what fired; the state goes on counting in the same batch.
    expect(firedIn(first).eventIds).toEqual([e1.id]);
    expect(alertIn(first, alertId)).toMatchObject({ count: 2, lastSeenAt: s(20), eventIds: [e1.id, e2.id] });

    const second = feed(machine, e3);
    expect(second.facts).toEqual([]);
    expect(alertIn(second, alertId)).toMatchObject({
      state: 'firing',
      firedAt: s(10),
      count: 3,
      lastSeenAt: s(30),
      eventIds: [e1.id, e2.id, e3.id],
      summary: 'Disk full on db-1',
    });
  });

  it('resolves on an event matching resolve.match (reason resolving-event); the next match fires a new alert', () => {
    const rule = rules.add(matchRule({ resolve: { match: { type: 'disk.ok' } } }));
    const machine = newMachine();
    const e1 = event(s(10), 'disk.full', { payload: { host: 'db-1' } });
    const ok = event(s(30), 'disk.ok');
    const alertId = alertIdFor(rule.id, '', e1.id);

    expect(feed(machine, event(s(5), 'disk.ok')).facts).toEqual([]); // nothing fires: nothing to resolve
    feed(machine, e1);
    const work = feed(machine, ok);

    expect(work.facts).toEqual([
      {
        kind: 'alert.resolved',
        fact: {
          schemaVersion: 1,
          kind: 'alert.resolved',
          id: factIdFor(alertId, 'resolved'),
          tenantId: TENANT,
          correlationId: alertId,
          causationId: ok.id,
          alertId,
          ruleId: rule.id,
          ruleName: 'Disk full',
          groupKey: '',
          severity: 'critical',
          summary: 'Disk full on db-1',
          resolvedAt: '2027-01-04T00:00:30.000Z',
          reason: 'resolving-event',
          resolvingEventId: ok.id,
          count: 1,
        },
      },
    ]);
    expect(alertIn(work, alertId)).toMatchObject({
      state: 'resolved',
      resolvedAt: s(30),
      resolveReason: 'resolving-event',
    });

    const e3 = event(s(40), 'disk.full', { payload: { host: 'db-1' } });
    const again = feed(machine, e3);
    expect(kinds(again)).toEqual(['alert.fired']);
    expect(firedIn(again).alertId).toBe(alertIdFor(rule.id, '', e3.id));
  });

  it('resolves after quietSeconds without a match when the clock looks a second later (reason quiet, as of its end)', () => {
    const rule = rules.add(matchRule({ resolve: { quietSeconds: 300 } }));
    const machine = newMachine();
    const e1 = event(s(10), 'disk.full', { payload: { host: 'db-1' } });
    const e2 = event(s(100), 'disk.full', { payload: { host: 'db-1' } });
    const alertId = alertIdFor(rule.id, '', e1.id);
    feed(machine, e1, e2);

    // The quiet period counts from the last match (s(100)), not from the firing.
    expect(tick(machine, s(310)).facts).toEqual([]);
    expect(tick(machine, s(400) - 1).facts).toEqual([]);
    // JUDGE_MARGIN_MS past the end, like deadlines: a match at the end may still be on its way.
    expect(tick(machine, s(400) + JUDGE_MARGIN_MS - 1).facts).toEqual([]);
    const work = tick(machine, s(400) + JUDGE_MARGIN_MS + 250);

    expect(work.facts).toEqual([
      {
        kind: 'alert.resolved',
        fact: {
          schemaVersion: 1,
          kind: 'alert.resolved',
          id: factIdFor(alertId, 'resolved'),
          tenantId: TENANT,
          correlationId: alertId,
          causationId: null,
          alertId,
          ruleId: rule.id,
          ruleName: 'Disk full',
          groupKey: '',
          severity: 'critical',
          summary: 'Disk full on db-1',
          // As of the end of the quiet period, as a replay resolves it (below).
          resolvedAt: '2027-01-04T00:06:40.000Z',
          reason: 'quiet',
          resolvingEventId: null,
          count: 2,
        },
      },
    ]);
    expect(alertIn(work, alertId)).toMatchObject({ state: 'resolved', resolvedAt: s(400), resolveReason: 'quiet' });
    expect(tick(machine, s(500)).facts).toEqual([]);
  });

  it('in a replay (no tick between), resolves as of lastSeen + quiet when the next match comes after the quiet period', () => {
    const rule = rules.add(matchRule({ resolve: { quietSeconds: 300 } }));
    const e1 = event(s(10), 'disk.full', { payload: { host: 'db-1' } });
    const e2 = event(s(500), 'disk.full', { payload: { host: 'db-2' } });
    const first = alertIdFor(rule.id, '', e1.id);

    const work = feed(newMachine(), e1, e2);

    expect(kinds(work)).toEqual(['alert.fired', 'alert.resolved', 'alert.fired']);
    expect(resolvedIn(work, 1)).toMatchObject({
      id: factIdFor(first, 'resolved'),
      alertId: first,
      resolvedAt: iso(s(310)),
      reason: 'quiet',
      resolvingEventId: null,
      causationId: null,
      count: 1,
    });
    expect(firedIn(work, 2)).toMatchObject({
      alertId: alertIdFor(rule.id, '', e2.id),
      firedAt: iso(s(500)),
      summary: 'Disk full on db-2',
    });
  });

  it('in a replay, a match exactly at lastSeen + quiet starts a new alert; a ms earlier it counts on the firing one', () => {
    const rule = rules.add(matchRule({ resolve: { quietSeconds: 300 } }));
    const e1 = event(s(10), 'disk.full');
    const atEnd = event(s(310), 'disk.full');
    const justBefore = event(s(310) - 1, 'disk.full');

    expect(kinds(feed(newMachine(), e1, atEnd))).toEqual(['alert.fired', 'alert.resolved', 'alert.fired']);
    const counted = feed(newMachine(), e1, justBefore);
    expect(kinds(counted)).toEqual(['alert.fired']);
    expect(alertIn(counted, alertIdFor(rule.id, '', e1.id))).toMatchObject({ count: 2, lastSeenAt: s(310) - 1 });
  });

  it('with a threshold, fires only at the N-th match within W, with the window\'s event ids', () => {
    const rule = rules.add(
      matchRule({
        match: { type: 'api.error' },
        threshold: { count: 3, windowSeconds: 60 },
        alert: { severity: 'warning', summary: '{{count}} errors from {{source}}' },
      }),
    );
    const machine = newMachine();
    const e1 = event(s(0), 'api.error');
    const e2 = event(s(30), 'api.error');
    const e3 = event(s(60) - 1, 'api.error');

    const counting = feed(machine, e1, e2);
    expect(counting.facts).toEqual([]);
    expect([...counting.windows.values()]).toEqual([
      { ruleId: rule.id, groupKey: '', times: [s(0), s(30)], eventIds: [e1.id, e2.id] },
    ]);

    const work = feed(machine, e3);
    const alertId = alertIdFor(rule.id, '', e3.id);
    expect(kinds(work)).toEqual(['alert.fired']);
    expect(firedIn(work)).toMatchObject({
      id: factIdFor(alertId, 'fired'),
      alertId,
      causationId: e3.id,
      summary: '3 errors from web-1',
      severity: 'warning',
      firedAt: iso(s(60) - 1),
      eventIds: [e1.id, e2.id, e3.id],
    });
    expect(alertIn(work, alertId)).toMatchObject({ count: 3, lastSeenAt: s(60) - 1 });
    // The window is emptied once it fired.
    expect([...work.windows.values()]).toEqual([{ ruleId: rule.id, groupKey: '', times: [], eventIds: [] }]);
  });

  it('with a threshold, slides the window: a match W or more before the latest no longer counts', () => {
    const rule = rules.add(matchRule({ match: { type: 'api.error' }, threshold: { count: 3, windowSeconds: 60 } }));
    const machine = newMachine();
    const e1 = event(s(0), 'api.error');
    const e2 = event(s(30), 'api.error');
    const e3 = event(s(60), 'api.error'); // e1 is exactly 60 s before: out of the window
    const e4 = event(s(80), 'api.error');

    const slid = feed(machine, e1, e2, e3);
    expect(slid.facts).toEqual([]);
    expect([...slid.windows.values()]).toEqual([
      { ruleId: rule.id, groupKey: '', times: [s(30), s(60)], eventIds: [e2.id, e3.id] },
    ]);

    const work = feed(machine, e4);
    expect(kinds(work)).toEqual(['alert.fired']);
    expect(firedIn(work)).toMatchObject({ alertId: alertIdFor(rule.id, '', e4.id), eventIds: [e2.id, e3.id, e4.id] });
  });

  it('with groupBy, keeps one alert per group', () => {
    const rule = rules.add(matchRule({ groupBy: 'payload.host' }));
    const a1 = event(s(10), 'disk.full', { payload: { host: 'db-1' } });
    const b1 = event(s(20), 'disk.full', { payload: { host: 'db-2' } });
    const a2 = event(s(30), 'disk.full', { payload: { host: 'db-1' } });

    const work = feed(newMachine(), a1, b1, a2);

    expect(kinds(work)).toEqual(['alert.fired', 'alert.fired']);
    const alertA = alertIdFor(rule.id, 'db-1', a1.id);
    const alertB = alertIdFor(rule.id, 'db-2', b1.id);
    expect(alertA).not.toBe(alertB);
    expect(firedIn(work, 0)).toMatchObject({ alertId: alertA, groupKey: 'db-1', summary: 'Disk full on db-1' });
    expect(firedIn(work, 1)).toMatchObject({ alertId: alertB, groupKey: 'db-2', summary: 'Disk full on db-2' });
    expect(alertIn(work, alertA)).toMatchObject({ count: 2, eventIds: [a1.id, a2.id] });
    expect(alertIn(work, alertB)).toMatchObject({ count: 1, eventIds: [b1.id] });
  });

  it('judges only events received at or after the rule\'s creation', () => {
    const rule = rules.add(matchRule(), { createdAtMs: s(100) });
    const machine = newMachine();

    expect(feed(machine, event(s(100) - 1, 'disk.full')).facts).toEqual([]);
    const onTime = event(s(100), 'disk.full');
    const work = feed(machine, onTime);
    expect(kinds(work)).toEqual(['alert.fired']);
    expect(firedIn(work).alertId).toBe(alertIdFor(rule.id, '', onTime.id));
  });

  it('fires nothing for a disabled rule (no alert, no window)', () => {
    rules.add(matchRule({ enabled: false }));
    rules.add(matchRule({ enabled: false, match: { type: 'api.error' }, threshold: { count: 1, windowSeconds: 60 } }));
    const machine = newMachine();

    const work = feed(machine, event(s(10), 'disk.full'), event(s(20), 'api.error'), event(s(30), 'disk.full'));
    expect(work.facts).toEqual([]);
    expect(work.alerts.size).toBe(0);
    expect(work.windows.size).toBe(0);
    expect(tick(machine, s(10_000)).facts).toEqual([]);
  });

  it('puts the tenant\'s change events before an alert (same service) in its context', () => {
    const rule = rules.add(matchRule({ match: { type: 'api.error' } }));
    const deploy = event(s(0), 'deploy.finished', { payload: { service: 'api' }, summary: 'api v2 deployed' });
    const otherService = event(s(1), 'deploy.finished', { payload: { service: 'web' } });
    const otherTenant = event(s(2), 'deploy.finished', { tenantId: OTHER_TENANT, payload: { service: 'api' } });
    const error = event(s(10), 'api.error', { payload: { service: 'api' } });

    const work = feed(newMachine(), deploy, otherService, otherTenant, error);

    expect(firedIn(work)).toMatchObject({
      alertId: alertIdFor(rule.id, '', error.id),
      context: [
        { id: deploy.id, type: 'deploy.finished', source: 'web-1', summary: 'api v2 deployed', receivedAt: iso(s(0)) },
      ],
    });
  });
});

// ---- dedup keys ----------------------------------------------------------------------------------

describe('AlertMachine: dedup keys', () => {
  it('a resolve request carrying the alert\'s payload.dedupKey resolves it (reason dedup-key) and fires nothing', () => {
    const rule = rules.add(matchRule());
    const machine = newMachine();
    const e1 = event(s(10), 'disk.full', { payload: { host: 'db-1', dedupKey: 'INC-1' } });
    const alertId = alertIdFor(rule.id, '', e1.id);
    expect(alertIn(feed(machine, e1), alertId).dedupKey).toBe('INC-1');

    // Another key resolves nothing; the request is of the rule's type, yet fires nothing either.
    expect(feed(machine, event(s(15), 'disk.full', { payload: { eventAction: 'resolve', dedupKey: 'INC-2' } })).facts).toEqual(
      [],
    );
    const request = event(s(20), 'disk.full', { payload: { eventAction: 'resolve', dedupKey: 'INC-1' } });
    const work = feed(machine, request);

    expect(work.facts).toEqual([
      {
        kind: 'alert.resolved',
        fact: {
          schemaVersion: 1,
          kind: 'alert.resolved',
          id: factIdFor(alertId, 'resolved'),
          tenantId: TENANT,
          correlationId: alertId,
          causationId: request.id,
          alertId,
          ruleId: rule.id,
          ruleName: 'Disk full',
          groupKey: '',
          severity: 'critical',
          summary: 'Disk full on db-1',
          resolvedAt: iso(s(20)),
          reason: 'dedup-key',
          resolvingEventId: request.id,
          count: 1,
        },
      },
    ]);
    expect(alertIn(work, alertId)).toMatchObject({ state: 'resolved', resolveReason: 'dedup-key', resolvedAt: s(20) });
    // Resolved already: the same request again changes nothing, and fires nothing.
    expect(feed(machine, event(s(30), 'disk.full', { payload: { eventAction: 'resolve', dedupKey: 'INC-1' } })).facts).toEqual(
      [],
    );
  });

  it('reads the key at the rule\'s dedupKey field when it names one', () => {
    const rule = rules.add(matchRule({ dedupKey: 'payload.incident.ref' }));
    const machine = newMachine();
    const e1 = event(s(10), 'disk.full', { payload: { incident: { ref: 'X-9' }, dedupKey: 'INC-1' } });
    const alertId = alertIdFor(rule.id, '', e1.id);
    expect(alertIn(feed(machine, e1), alertId).dedupKey).toBe('X-9');

    expect(feed(machine, event(s(20), 'any.type', { payload: { eventAction: 'resolve', dedupKey: 'X-9' } })).facts).toEqual(
      [],
    );
    const request = event(s(30), 'any.type', { payload: { eventAction: 'resolve', incident: { ref: 'X-9' } } });
    const work = feed(machine, request);
    expect(kinds(work)).toEqual(['alert.resolved']);
    expect(resolvedIn(work)).toMatchObject({ alertId, reason: 'dedup-key', resolvingEventId: request.id });
  });

  it('resolves only the same tenant\'s alerts', () => {
    const mine = rules.add(matchRule());
    const theirs = rules.add(matchRule(), { tenantId: OTHER_TENANT });
    const machine = newMachine();
    const e1 = event(s(10), 'disk.full', { payload: { dedupKey: 'INC-1' } });
    const e2 = event(s(11), 'disk.full', { tenantId: OTHER_TENANT, payload: { dedupKey: 'INC-1' } });
    expect(kinds(feed(machine, e1, e2))).toEqual(['alert.fired', 'alert.fired']);

    const request = event(s(20), 'disk.full', { payload: { eventAction: 'resolve', dedupKey: 'INC-1' } });
    const work = feed(machine, request);

    expect(work.facts.map((item) => item.fact.alertId)).toEqual([alertIdFor(mine.id, '', e1.id)]);
    expect(resolvedIn(work)).toMatchObject({ tenantId: TENANT, reason: 'dedup-key' });
    // The other tenant's alert still fires: its next match counts on it.
    const next = feed(machine, event(s(30), 'disk.full', { tenantId: OTHER_TENANT }));
    expect(next.facts).toEqual([]);
    expect(alertIn(next, alertIdFor(theirs.id, '', e2.id))).toMatchObject({ state: 'firing', count: 2 });
  });
});

// ---- what people do --------------------------------------------------------------------------------

describe('AlertMachine: acknowledgements and resolutions by hand', () => {
  function firingAlert(machine: AlertMachine): AlertState {
    const rule = rules.add(matchRule());
    const e1 = event(s(10), 'disk.full', { payload: { host: 'db-1' } });
    return { ...alertIn(feed(machine, e1), alertIdFor(rule.id, '', e1.id)) };
  }

  it('alert.acknowledged marks the firing alert taken (at, by, note), alert.unacknowledged takes it back', () => {
    const machine = newMachine();
    const alert = firingAlert(machine);

    const taken = feed(machine, acknowledged(alert, s(30)));
    expect(taken.facts).toEqual([]);
    expect(alertIn(taken, alert.alertId)).toMatchObject({
      state: 'firing',
      acknowledged: { at: s(30), by: ACTOR, note: 'on it' },
    });

    const back = feed(machine, unacknowledged(alert, s(40)));
    expect(back.facts).toEqual([]);
    expect(alertIn(back, alert.alertId)).toMatchObject({ state: 'firing', acknowledged: null });
  });

  it('a manual alert.resolved resolves the firing alert (by, note) with no fact of its own; the next match fires anew', () => {
    const machine = newMachine();
    const alert = firingAlert(machine);

    const work = feed(machine, resolvedByHand(alert, s(50)));
    expect(work.facts).toEqual([]);
    expect(alertIn(work, alert.alertId)).toMatchObject({
      state: 'resolved',
      resolvedAt: s(50),
      resolveReason: 'manual',
      resolvedBy: ACTOR,
      resolveNote: 'fixed the disk',
    });

    const e2 = event(s(60), 'disk.full', { payload: { host: 'db-1' } });
    const again = feed(machine, e2);
    expect(kinds(again)).toEqual(['alert.fired']);
    expect(firedIn(again).alertId).toBe(alertIdFor(alert.ruleId, '', e2.id));
  });

  it('its own fired and resolved facts, back through the log, change nothing', () => {
    const machine = newMachine();
    const rule = rules.add(matchRule({ resolve: { match: { type: 'disk.ok' } } }));
    const e1 = event(s(10), 'disk.full');
    const decided = feed(machine, e1, event(s(20), 'disk.ok'));
    expect(kinds(decided)).toEqual(['alert.fired', 'alert.resolved']);

    const echoes = feed(machine, ...decided.facts.map((item) => item.fact));
    expect(echoes.facts).toEqual([]);
    expect(echoes.alerts.size).toBe(0);
    // Nothing fires for the rule any more: the next match starts a new alert.
    const e3 = event(s(30), 'disk.full');
    expect(firedIn(feed(machine, e3)).alertId).toBe(alertIdFor(rule.id, '', e3.id));
  });

  it('a lifecycle fact of another tenant naming the same alert id changes nothing', () => {
    const machine = newMachine();
    const alert = firingAlert(machine);

    const work = feed(
      machine,
      acknowledged(alert, s(30), OTHER_TENANT),
      resolvedByHand(alert, s(40), OTHER_TENANT),
    );
    expect(work.facts).toEqual([]);
    expect(work.alerts.size).toBe(0);
    const next = feed(machine, event(s(50), 'disk.full'));
    expect(alertIn(next, alert.alertId)).toMatchObject({ state: 'firing', acknowledged: null, count: 2 });
  });
});

// ---- deleted rules -------------------------------------------------------------------------------

describe('AlertMachine: deleted rules', () => {
  it('resolves the alerts of a rule gone from the rule set at the next tick (reason rule-deleted)', () => {
    const rule = rules.add(matchRule());
    const check = rules.add(checkRule());
    const machine = newMachine();
    const e1 = event(s(10), 'disk.full', { payload: { host: 'db-1' } });
    const failure = event(s(20), 'backup.done.failed');
    expect(kinds(feed(machine, e1, failure))).toEqual(['alert.fired', 'alert.fired']);
    expect(tick(machine, s(30)).facts).toEqual([]);

    rules.delete(rule);
    rules.delete(check);
    const work = tick(machine, s(100));

    const alertId = alertIdFor(rule.id, '', e1.id);
    expect(work.facts).toEqual([
      {
        kind: 'alert.resolved',
        fact: {
          schemaVersion: 1,
          kind: 'alert.resolved',
          id: factIdFor(alertId, 'resolved'),
          tenantId: TENANT,
          correlationId: alertId,
          causationId: null,
          alertId,
          ruleId: rule.id,
          ruleName: 'Disk full',
          groupKey: '',
          severity: 'critical',
          summary: 'Disk full on db-1',
          resolvedAt: iso(s(100)),
          reason: 'rule-deleted',
          resolvingEventId: null,
          count: 1,
        },
      },
      expect.objectContaining({
        kind: 'alert.resolved',
        fact: expect.objectContaining({
          alertId: alertIdFor(check.id, '', failure.id),
          reason: 'rule-deleted',
          resolvedAt: iso(s(100)),
        }),
      }),
    ]);
    expect(tick(machine, s(200)).facts).toEqual([]);
  });
});

// ---- silences ------------------------------------------------------------------------------------

describe('AlertMachine: silences', () => {
  const SILENCE = '0194f3a2-7c1e-7a00-8000-00000000e001';

  it('fires an alert whose silence covers it (window and matchers) with silencedBy set', () => {
    const rule = rules.add(matchRule());
    const machine = newMachine();
    feed(machine, silenceCreated(SILENCE, { ruleId: rule.id, severity: 'critical' }, s(0), s(3600)));
    const e1 = event(s(10), 'disk.full', { payload: { host: 'db-1' } });

    const work = feed(machine, e1);

    const alertId = alertIdFor(rule.id, '', e1.id);
    expect(kinds(work)).toEqual(['alert.fired']);
    expect(firedIn(work)).toEqual(expect.objectContaining({ alertId, silencedBy: SILENCE }));
    expect(alertIn(work, alertId).silencedBy).toBe(SILENCE);
  });

  it('covers only from startsAt until before endsAt, and only alerts whose matchers all hold', () => {
    const rule = rules.add(matchRule({ groupBy: 'payload.host' }));
    const machine = newMachine();
    const window = silenceCreated(SILENCE, { payload: [{ field: 'pct', op: 'gt', value: 90 }] }, s(100), s(200));
    const created = feed(machine, window);
    expect(created.silences.get(SILENCE)).toEqual({
      silenceId: SILENCE,
      tenantId: TENANT,
      matchers: { payload: [{ field: 'pct', op: 'gt', value: 90 }] },
      startsAt: s(100),
      endsAt: s(200),
      expiredAt: null,
      createdAt: s(100),
      createdBy: ACTOR,
      expiredBy: null,
      comment: 'maintenance',
    });

    const work = feed(
      machine,
      event(s(100) - 1, 'disk.full', { payload: { host: 'a', pct: 95 } }),
      event(s(100), 'disk.full', { payload: { host: 'b', pct: 95 } }),
      event(s(150), 'disk.full', { payload: { host: 'c', pct: 80 } }),
      event(s(200) - 1, 'disk.full', { payload: { host: 'd', pct: 95 } }),
      event(s(200), 'disk.full', { payload: { host: 'e', pct: 95 } }),
    );

    expect(work.facts.map((item) => [item.fact.groupKey, (item.fact as AlertFired).silencedBy ?? null])).toEqual([
      ['a', null],
      ['b', SILENCE],
      ['c', null],
      ['d', SILENCE],
      ['e', null],
    ]);
    expect(rule.id).toBeDefined();
  });

  it('at the first tick at or past the silence\'s end, unsilences the alert still firing (alert.unsilenced)', () => {
    const rule = rules.add(matchRule());
    const machine = newMachine();
    const e1 = event(s(10), 'disk.full', { payload: { host: 'db-1' } });
    feed(machine, silenceCreated(SILENCE, {}, s(0), s(3600)), e1);
    const alertId = alertIdFor(rule.id, '', e1.id);

    expect(tick(machine, s(3600) - 1).facts).toEqual([]);
    const work = tick(machine, s(3600));

    expect(work.facts).toEqual([
      {
        kind: 'alert.unsilenced',
        fact: {
          schemaVersion: 1,
          kind: 'alert.unsilenced',
          id: factIdFor(alertId, 'unsilenced'),
          tenantId: TENANT,
          correlationId: alertId,
          causationId: null,
          alertId,
          ruleId: rule.id,
          ruleName: 'Disk full',
          groupKey: '',
          severity: 'critical',
          summary: 'Disk full on db-1',
          silenceId: SILENCE,
          unsilencedAt: iso(s(3600)),
          firedAt: iso(s(10)),
        },
      },
    ]);
    expect(alertIn(work, alertId)).toMatchObject({ state: 'firing', silencedBy: null });
    expect(tick(machine, s(3700)).facts).toEqual([]);
  });

  it('an alert resolved while still silenced says so (silenced: true), and is never unsilenced', () => {
    const rule = rules.add(matchRule({ resolve: { match: { type: 'disk.ok' } } }));
    const machine = newMachine();
    const e1 = event(s(10), 'disk.full');
    const work = feed(machine, silenceCreated(SILENCE, {}, s(0), s(3600)), e1, event(s(20), 'disk.ok'));

    expect(kinds(work)).toEqual(['alert.fired', 'alert.resolved']);
    expect(resolvedIn(work, 1)).toMatchObject({ alertId: alertIdFor(rule.id, '', e1.id), silenced: true });
    expect(tick(machine, s(3600)).facts).toEqual([]);
  });

  it('a silence.expired fact unsilences at once, as of its time; later alerts are not covered', () => {
    const rule = rules.add(matchRule({ groupBy: 'payload.host' }));
    const machine = newMachine();
    const e1 = event(s(10), 'disk.full', { payload: { host: 'db-1' } });
    feed(machine, silenceCreated(SILENCE, {}, s(0), s(3600)), e1);
    const alertId = alertIdFor(rule.id, 'db-1', e1.id);

    const expiry = silenceExpired(SILENCE, s(60));
    const work = feed(machine, expiry);

    expect(kinds(work)).toEqual(['alert.unsilenced']);
    expect(unsilencedIn(work)).toMatchObject({
      id: factIdFor(alertId, 'unsilenced'),
      alertId,
      silenceId: SILENCE,
      unsilencedAt: iso(s(60)),
      firedAt: iso(s(10)),
    });
    expect(alertIn(work, alertId).silencedBy).toBeNull();
    expect(work.silences.get(SILENCE)).toMatchObject({ expiredAt: s(60), expiredBy: ACTOR, endsAt: s(3600) });

    const later = feed(machine, event(s(70), 'disk.full', { payload: { host: 'db-2' } }));
    expect(kinds(later)).toEqual(['alert.fired']);
    expect('silencedBy' in firedIn(later)).toBe(false);
    expect(tick(machine, s(3600)).facts).toEqual([]);
    // Expired already: a second expiry changes nothing.
    expect(feed(machine, silenceExpired(SILENCE, s(80))).silences.size).toBe(0);
  });

  it('a silence of another tenant never covers, and another tenant cannot expire it', () => {
    const rule = rules.add(matchRule({ groupBy: 'payload.host' }));
    const machine = newMachine();
    const THEIRS = '0194f3a2-7c1e-7a00-8000-00000000e002';
    feed(machine, silenceCreated(THEIRS, {}, s(0), s(3600), OTHER_TENANT), silenceCreated(SILENCE, {}, s(100), s(3600)));

    const uncovered = feed(machine, event(s(10), 'disk.full', { payload: { host: 'db-1' } }));
    expect(kinds(uncovered)).toEqual(['alert.fired']);
    expect('silencedBy' in firedIn(uncovered)).toBe(false);

    const e2 = event(s(110), 'disk.full', { payload: { host: 'db-2' } });
    expect(firedIn(feed(machine, e2)).silencedBy).toBe(SILENCE);
    const work = feed(machine, silenceExpired(SILENCE, s(120), OTHER_TENANT));
    expect(work.facts).toEqual([]);
    expect(work.silences.size).toBe(0);
    expect(rule.id).toBeDefined();
  });
});

// ---- heartbeat checks ----------------------------------------------------------------------------

describe('AlertMachine: heartbeat checks (absence rules)', () => {
  /** Never pinged, created at T0: expected at +3600 s, down at +3900 s. */
  const DEADLINE = s(3600 + 300);

  it('fires at deadline + JUDGE_MARGIN_MS, not a ms earlier, with an alert id of the deadline it missed', () => {
    const check = rules.add(checkRule());
    const machine = newMachine();

    expect(tick(machine, DEADLINE).facts).toEqual([]);
    expect(tick(machine, DEADLINE + JUDGE_MARGIN_MS - 1).facts).toEqual([]);
    const work = tick(machine, DEADLINE + JUDGE_MARGIN_MS);

    const alertId = alertIdFor(check.id, '', `absence@${DEADLINE}`);
    expect(JUDGE_MARGIN_MS).toBe(1000);
    expect(work.facts).toEqual([
      {
        kind: 'alert.fired',
        fact: {
          schemaVersion: 1,
          kind: 'alert.fired',
          id: factIdFor(alertId, 'fired'),
          tenantId: TENANT,
          correlationId: alertId,
          causationId: null,
          alertId,
          ruleId: check.id,
          ruleVersion: 1,
          ruleName: 'Nightly backup',
          ruleKind: 'absence',
          groupKey: '',
          severity: 'critical',
          summary: 'Backup missing',
          firedAt: iso(DEADLINE + 1000),
          eventIds: [],
          context: [],
        },
      },
    ]);
    expect(alertIn(work, alertId)).toMatchObject({ state: 'firing', count: 0, lastSeenAt: T0, ruleKind: 'absence' });
  });

  it('fires once per missed deadline however often the clock looks, with the same id on every machine', () => {
    const check = rules.add(checkRule());
    const alertId = alertIdFor(check.id, '', `absence@${DEADLINE}`);
    const machine = newMachine();

    expect(kinds(tick(machine, DEADLINE + 1000))).toEqual(['alert.fired']);
    expect(tick(machine, DEADLINE + 2000).facts).toEqual([]);
    expect(tick(machine, DEADLINE + 60_000).facts).toEqual([]);

    // Another machine whose clock looks later fires the same alert (the same fact id on the log).
    const later = firedIn(tick(newMachine(), DEADLINE + 7000));
    expect(later).toMatchObject({ alertId, id: factIdFor(alertId, 'fired'), firedAt: iso(DEADLINE + 7000) });
  });

  it('counts the deadline from the last success ping: since + everySeconds + grace', () => {
    const check = rules.add(checkRule());
    const machine = newMachine();
    const ping = event(s(100), 'backup.done');
    const pinged = feed(machine, ping);
    expect(pinged.facts).toEqual([]);
    expect([...pinged.checks.values()]).toEqual([
      {
        ruleId: check.id,
        groupKey: '',
        tenantId: TENANT,
        lastSeenAt: s(100),
        runStartedAt: null,
        lastDurationMs: null,
        firedAlertId: null,
        pings: [{ at: s(100), kind: 'success', durationMs: null }],
      },
    ]);

    const deadline = s(100 + 3600 + 300);
    expect(tick(machine, DEADLINE + 1000).facts).toEqual([]);
    expect(tick(machine, deadline + 999).facts).toEqual([]);
    const work = tick(machine, deadline + 1000);
    expect(firedIn(work)).toMatchObject({ alertId: alertIdFor(check.id, '', `absence@${deadline}`), causationId: null });
    expect(alertIn(work, firedIn(work).alertId).lastSeenAt).toBe(s(100));
  });

  it('a success ping resolves the missed-deadline alert (reason event-arrived) and moves the deadline', () => {
    const check = rules.add(checkRule());
    const machine = newMachine();
    const first = firedIn(tick(machine, DEADLINE + 1000)).alertId;
    const ping = event(DEADLINE + 2000, 'backup.done');

    const work = feed(machine, ping);

    expect(work.facts).toEqual([
      {
        kind: 'alert.resolved',
        fact: {
          schemaVersion: 1,
          kind: 'alert.resolved',
          id: factIdFor(first, 'resolved'),
          tenantId: TENANT,
          correlationId: first,
          causationId: ping.id,
          alertId: first,
          ruleId: check.id,
          ruleName: 'Nightly backup',
          groupKey: '',
          severity: 'critical',
          summary: 'Backup missing',
          resolvedAt: iso(DEADLINE + 2000),
          reason: 'event-arrived',
          resolvingEventId: ping.id,
          count: 1,
        },
      },
    ]);
    expect(alertIn(work, first)).toMatchObject({ state: 'resolved', lastSeenAt: DEADLINE + 2000, count: 1 });

    const next = DEADLINE + 2000 + 3_900_000;
    expect(tick(machine, next + 999).facts).toEqual([]);
    const again = firedIn(tick(machine, next + 1000));
    expect(again.alertId).toBe(alertIdFor(check.id, '', `absence@${next}`));
    expect(again.alertId).not.toBe(first);
  });

  it('a <type>.failed event fires at once; a later success resolves it', () => {
    const check = rules.add(checkRule());
    const machine = newMachine();
    const failure = event(s(50), 'backup.done.failed', { payload: { host: 'db-1' } });

    const work = feed(machine, failure, event(s(60), 'backup.done.failed'));

    const alertId = alertIdFor(check.id, '', failure.id);
    expect(work.facts).toEqual([
      {
        kind: 'alert.fired',
        fact: {
          schemaVersion: 1,
          kind: 'alert.fired',
          id: factIdFor(alertId, 'fired'),
          tenantId: TENANT,
          correlationId: failure.id,
          causationId: failure.id,
          alertId,
          ruleId: check.id,
          ruleVersion: 1,
          ruleName: 'Nightly backup',
          ruleKind: 'absence',
          groupKey: '',
          severity: 'critical',
          summary: 'Backup missing',
          firedAt: iso(s(50)),
          eventIds: [failure.id],
          context: [],
        },
      },
    ]);
    // The second failure fires nothing more (one is firing) but is on the strip; no success yet.
    expect([...work.checks.values()][0]).toMatchObject({
      lastSeenAt: null,
      pings: [
        { at: s(50), kind: 'fail', durationMs: null },
        { at: s(60), kind: 'fail', durationMs: null },
      ],
    });

    const success = event(s(70), 'backup.done');
    const resolved = feed(machine, success);
    expect(kinds(resolved)).toEqual(['alert.resolved']);
    expect(resolvedIn(resolved)).toMatchObject({
      alertId,
      reason: 'event-arrived',
      resolvingEventId: success.id,
      resolvedAt: iso(s(70)),
      count: 2,
    });
  });

  it('a critical-severity event of the check\'s type is a failure: it fires at once', () => {
    const check = rules.add(checkRule());
    const critical = event(s(50), 'backup.done', { severity: 'critical' });

    const work = feed(newMachine(), critical);

    expect(kinds(work)).toEqual(['alert.fired']);
    expect(firedIn(work)).toMatchObject({ alertId: alertIdFor(check.id, '', critical.id), causationId: critical.id });
    expect([...work.checks.values()][0]).toMatchObject({
      lastSeenAt: null,
      pings: [{ at: s(50), kind: 'fail', durationMs: null }],
    });
  });

  it('a critical event is a success ping when the check\'s match requires minSeverity critical', () => {
    const check = rules.add(checkRule({ match: { type: 'backup.done', minSeverity: 'critical' } }));
    const machine = newMachine();

    const work = feed(machine, event(s(50), 'backup.done', { severity: 'critical' }));

    expect(work.facts).toEqual([]);
    expect([...work.checks.values()][0]).toMatchObject({
      lastSeenAt: s(50),
      pings: [{ at: s(50), kind: 'success', durationMs: null }],
    });
    // Its deadline counts from that ping.
    expect(tick(machine, s(50 + 3900) + 999).facts).toEqual([]);
    expect(firedIn(tick(machine, s(50 + 3900) + 1000)).alertId).toBe(alertIdFor(check.id, '', `absence@${s(3950)}`));
  });

  it('<type>.started then a success records the run\'s duration, on the check and on the ping', () => {
    const check = rules.add(checkRule());
    const machine = newMachine();

    const work = feed(machine, event(s(100), 'backup.done.started'), event(s(160), 'backup.done'));

    expect(work.facts).toEqual([]);
    expect([...work.checks.values()]).toEqual([
      {
        ruleId: check.id,
        groupKey: '',
        tenantId: TENANT,
        lastSeenAt: s(160),
        runStartedAt: null,
        lastDurationMs: 60_000,
        firedAlertId: null,
        pings: [
          { at: s(100), kind: 'start', durationMs: null },
          { at: s(160), kind: 'success', durationMs: 60_000 },
        ],
      },
    ]);
  });

  it('<type>.started with maxRunSeconds and no finish fires at start + maxRun + margin, id\'d by the start', () => {
    const check = rules.add(checkRule({ maxRunSeconds: 600 }));
    const machine = newMachine();
    const start = event(s(100), 'backup.done.started');
    const started = feed(machine, start);
    expect(started.facts).toEqual([]);
    expect([...started.checks.values()][0]).toMatchObject({ runStartedAt: s(100), lastSeenAt: null });

    expect(tick(machine, s(700) + JUDGE_MARGIN_MS - 1).facts).toEqual([]);
    const work = tick(machine, s(700) + JUDGE_MARGIN_MS);

    const alertId = alertIdFor(check.id, '', `run@${s(100)}`);
    expect(kinds(work)).toEqual(['alert.fired']);
    expect(firedIn(work)).toMatchObject({
      id: factIdFor(alertId, 'fired'),
      alertId,
      correlationId: alertId,
      causationId: null,
      firedAt: iso(s(701)),
      eventIds: [],
    });
    expect(tick(machine, s(800)).facts).toEqual([]);

    // The run finishing resolves it, its duration kept.
    const done = feed(machine, event(s(900), 'backup.done'));
    expect(resolvedIn(done)).toMatchObject({ alertId, reason: 'event-arrived' });
    expect([...done.checks.values()][0]).toMatchObject({ runStartedAt: null, lastDurationMs: 800_000 });
  });

  it(`keeps only the last CHECK_PINGS_KEPT (${CHECK_PINGS_KEPT}) pings`, () => {
    rules.add(checkRule());
    const pings = Array.from({ length: 25 }, (_, i) => event(s(i + 1), 'backup.done'));

    const work = feed(newMachine(), ...pings);

    const check = [...work.checks.values()][0];
    expect(CHECK_PINGS_KEPT).toBe(20);
    expect(check.pings).toHaveLength(20);
    expect(check.pings[0]).toEqual({ at: s(6), kind: 'success', durationMs: null });
    expect(check.pings[19]).toEqual({ at: s(25), kind: 'success', durationMs: null });
    expect(check.lastSeenAt).toBe(s(25));
  });

  it('check.paused: no deadline alert and no failure alert while paused; pings are still recorded', () => {
    const check = rules.add(checkRule());
    const machine = newMachine();

    const pausedWork = feed(machine, checkPaused(check, s(50)));
    expect(pausedWork.pauses.get(check.id)).toEqual({
      ruleId: check.id,
      tenantId: TENANT,
      pausedAt: s(50),
      pausedBy: ACTOR,
      resumedAt: null,
    });

    expect(tick(machine, DEADLINE + 1000).facts).toEqual([]);
    const signals = feed(
      machine,
      event(s(5000), 'backup.done.failed'),
      event(s(5001), 'backup.done', { severity: 'critical' }),
      event(s(5100), 'backup.done'),
    );
    expect(signals.facts).toEqual([]);
    expect([...signals.checks.values()][0]).toMatchObject({
      lastSeenAt: s(5100),
      pings: [
        { at: s(5000), kind: 'fail', durationMs: null },
        { at: s(5001), kind: 'fail', durationMs: null },
        { at: s(5100), kind: 'success', durationMs: null },
      ],
    });
    expect(tick(machine, s(100_000)).facts).toEqual([]);
  });

  it('check.resumed: the deadline counts from the resume time', () => {
    const check = rules.add(checkRule());
    const machine = newMachine();
    feed(machine, event(s(10), 'backup.done'), checkPaused(check, s(50)));
    expect(tick(machine, s(7000)).facts).toEqual([]); // the old deadline (s(3910)) passed while paused

    const resumedWork = feed(machine, checkResumed(check, s(7200)));
    expect(resumedWork.pauses.get(check.id)).toEqual({
      ruleId: check.id,
      tenantId: TENANT,
      pausedAt: null,
      pausedBy: null,
      resumedAt: s(7200),
    });

    const deadline = s(7200 + 3900);
    expect(tick(machine, s(7201)).facts).toEqual([]);
    expect(tick(machine, deadline + 999).facts).toEqual([]);
    const work = tick(machine, deadline + 1000);
    expect(firedIn(work).alertId).toBe(alertIdFor(check.id, '', `absence@${deadline}`));
    expect(alertIn(work, firedIn(work).alertId).lastSeenAt).toBe(s(10));
  });

  it('a cron check (0 9 * * * in Europe/Berlin) is due at 08:00Z before the 2027-03-28 DST change and 07:00Z on it', () => {
    const check = rules.add(
      checkRule({ everySeconds: undefined, schedule: '0 9 * * *', timezone: 'Europe/Berlin', graceSeconds: 600 }),
      { createdAtMs: Date.parse('2027-03-26T12:00:00.000Z') },
    );
    const machine = newMachine();
    const at = (text: string) => Date.parse(text);

    // Never pinged: 09:00 CET on the 27th is 08:00Z; with 10 minutes of grace, down at 08:10Z.
    const cetDeadline = at('2027-03-27T08:10:00.000Z');
    expect(tick(machine, at('2027-03-27T07:10:01.000Z')).facts).toEqual([]);
    expect(tick(machine, cetDeadline + 999).facts).toEqual([]);
    const cet = tick(machine, cetDeadline + 1000);
    expect(firedIn(cet).alertId).toBe(alertIdFor(check.id, '', `absence@${cetDeadline}`));

    const ping = event(at('2027-03-27T08:30:00.000Z'), 'backup.done');
    expect(kinds(feed(machine, ping))).toEqual(['alert.resolved']);

    // After that ping, 09:00 CEST on the 28th is 07:00Z: down at 07:10Z (not 08:10Z).
    const cestDeadline = at('2027-03-28T07:10:00.000Z');
    expect(tick(machine, cestDeadline + 999).facts).toEqual([]);
    const cest = tick(machine, cestDeadline + 1000);
    expect(firedIn(cest)).toMatchObject({
      alertId: alertIdFor(check.id, '', `absence@${cestDeadline}`),
      firedAt: '2027-03-28T07:10:01.000Z',
    });
  });

  it('judges nothing for a disabled check', () => {
    rules.add(checkRule({ enabled: false }));
    const machine = newMachine();
    expect(feed(machine, event(s(10), 'backup.done.failed')).facts).toEqual([]);
    expect(tick(machine, s(100_000)).facts).toEqual([]);
  });

  it(
    'does not fire a missed deadline again once its alert was resolved by hand (no ping since)',
    () => {
      // A check misses its deadline (alert absence@D fires), someone resolves it through the API, no ping
      // comes, the clock ticks on: the same alert id must not fire again (its fired and resolved facts are
      // on the log and in the ledger already; a re-fire would leave a firing row with no fact).
      const check = rules.add(checkRule());
      const machine = newMachine();
      const first = tick(machine, DEADLINE + 1000);
      const alert = { ...alertIn(first, firedIn(first).alertId) };
      feed(machine, resolvedByHand(alert, DEADLINE + 2000));

      const next = tick(machine, DEADLINE + 3000);

      expect(check.id).toBeDefined();
      expect(next.facts.filter((item) => item.fact.alertId === alert.alertId)).toEqual([]);
    },
  );
});

// ---- quiet periods and the clock -----------------------------------------------------------------

describe('AlertMachine: the clock against a replay', () => {
  it(
    'ends a quiet period a second late, so a match received just before its end counts as it does in a replay',
    () => {
      // quietSeconds 300; e1 at s(10) fires. `inFlight`, received at s(310) - 500 ms, is on the log but not
      // applied yet when the clock ticks at s(310) (the clock runs while up to a batch is pending): the
      // tick leaves the alert alone (JUDGE_MARGIN_MS), the match counts on it, as in a replay of the log.
      rules.add(matchRule({ resolve: { quietSeconds: 300 } }));
      const e1 = event(s(10), 'disk.full');
      const inFlight = event(s(310) - 500, 'disk.full');
      const later = event(s(320), 'disk.full');

      const live = newMachine();
      const log: EventStreamFact[] = [e1, ...feed(live, e1).facts.map((item) => item.fact), inFlight];
      expect(tick(live, s(310)).facts).toEqual([]);
      expect(feed(live, inFlight).facts).toEqual([]);

      const replay = newMachine();
      feed(replay, ...log);

      expect(feed(replay, later).facts).toEqual(feed(live, later).facts);
      expect(tick(replay, s(620) + JUDGE_MARGIN_MS).facts).toEqual(tick(live, s(620) + JUDGE_MARGIN_MS).facts);
    },
  );
});

// ---- load(snapshot) ------------------------------------------------------------------------------

describe('AlertMachine: load(snapshot)', () => {
  it('a machine loaded from another\'s saved states decides the rest of the log as that one does', () => {
    const threshold = rules.add(
      matchRule({
        name: 'API errors',
        match: { type: 'api.error' },
        threshold: { count: 3, windowSeconds: 60 },
        groupBy: 'payload.service',
        resolve: { quietSeconds: 120 },
        alert: { severity: 'warning', summary: '{{count}} errors in {{payload.service}}' },
      }),
    );
    const disk = rules.add(matchRule({ resolve: { match: { type: 'disk.ok' } } }));
    const check = rules.add(checkRule({ everySeconds: 600, graceSeconds: 60, maxRunSeconds: 300 }));
    const SILENCE = '0194f3a2-7c1e-7a00-8000-00000000e003';

    const deploy = event(s(5), 'deploy.finished', { payload: { service: 'api' } });
    const err1 = event(s(10), 'api.error', { payload: { service: 'api' } });
    const err2 = event(s(20), 'api.error', { payload: { service: 'api' } });
    const full = event(s(30), 'disk.full', { payload: { host: 'db-1' } });
    const firstHalf: Step[] = [
      silenceCreated(SILENCE, { ruleId: disk.id }, s(0), s(1000)),
      deploy,
      err1,
      err2,
      full, // fires, silenced
      event(s(40), 'backup.done'),
      event(s(50), 'backup.done.started'),
      checkPaused(check, s(60)),
      { tick: s(61) },
    ];
    const err3 = event(s(65), 'api.error', { payload: { service: 'api' } });
    const rest: Step[] = [
      err3, // the third error within 60 s: fires, with the deploy as context
      event(s(300), 'api.error', { payload: { service: 'api' } }), // quiet since s(65) + 120 s: resolves as of s(185)
      { tick: s(371) }, // the run started at s(50) is past 300 s + margin, but the check is paused
      checkResumed(check, s(380)),
      { tick: s(381) }, // resumed: the overdue run fires
      { tick: s(1000) }, // the silence ends
      event(s(1100), 'disk.ok', { payload: { host: 'db-1' } }),
      event(s(1200), 'backup.done'), // the run finishes
      { tick: s(1861) }, // s(1200) + 600 s + 60 s, + margin
    ];

    const a = newMachine();
    const saved = play(a, firstHalf);
    expect(kinds(saved)).toEqual(['alert.fired']);
    // What the evaluator writes of the first half, as it would read it back (copies: A goes on mutating).
    const snapshot: MachineSnapshot = structuredClone({
      firing: [...saved.alerts.values()].filter((alert) => alert.state === 'firing'),
      windows: [...saved.windows.values()],
      checks: [...saved.checks.values()],
      pauses: [...saved.pauses.values()],
      silences: [...saved.silences.values()],
      changes: a.keptChanges(saved),
    });
    expect(snapshot.firing).toHaveLength(1);
    expect(snapshot.windows).toHaveLength(1);
    expect(snapshot.checks).toHaveLength(1);
    expect(snapshot.pauses).toHaveLength(1);
    expect(snapshot.silences).toHaveLength(1);
    expect(snapshot.changes).toHaveLength(1);

    const b = newMachine();
    b.load(snapshot);
    const fromA = play(a, rest).facts;
    const fromB = play(b, rest).facts;

    expect(fromB).toEqual(fromA);
    expect(fromA.map((item) => item.kind)).toEqual([
      'alert.fired',
      'alert.resolved',
      'alert.fired',
      'alert.unsilenced',
      'alert.resolved',
      'alert.resolved',
      'alert.fired',
    ]);
    const thresholdAlert = alertIdFor(threshold.id, 'api', err3.id);
    const runAlert = alertIdFor(check.id, '', `run@${s(50)}`);
    const diskAlert = alertIdFor(disk.id, '', full.id);
    expect(fromB.map((item) => item.fact.alertId)).toEqual([
      thresholdAlert,
      thresholdAlert,
      runAlert,
      diskAlert,
      diskAlert,
      runAlert,
      alertIdFor(check.id, '', `absence@${s(1860)}`),
    ]);
    // What only the loaded state could tell B: the window's first two matches, the change, the silence.
    expect(fromB[0].fact).toMatchObject({
      eventIds: [err1.id, err2.id, err3.id],
      context: [expect.objectContaining({ id: deploy.id })],
      summary: '3 errors in api',
    });
    expect(fromB[1].fact).toMatchObject({ reason: 'quiet', resolvedAt: iso(s(185)) });
    expect(fromB[2].fact).toMatchObject({ firedAt: iso(s(381)) });
    expect(fromB[3].fact).toMatchObject({ silenceId: SILENCE, unsilencedAt: iso(s(1000)), firedAt: iso(s(30)) });
  });
});
