import type { CheckPauseState, CheckState } from './alert-states';
import { CheckSchedule } from './check-schedule';
import { checkSince, checkStatusAt, type CheckFacts } from './check-status';

const RULE = '0194f3a2-7c1e-7a00-8000-0000000000c1';
const TENANT = '0194f3a2-7c1e-7a00-8000-0000000000a1';
const CREATED = Date.parse('2027-01-04T00:00:00.000Z');
const HOUR = 3_600_000;
const GRACE = 300_000;

const stateWith = (lastSeenAt: number | null): CheckState => ({
  ruleId: RULE,
  groupKey: '',
  tenantId: TENANT,
  lastSeenAt,
  firedAlertId: null,
  runStartedAt: null,
  lastDurationMs: null,
  pings: lastSeenAt === null ? [] : [{ at: lastSeenAt, kind: 'success', durationMs: null }],
});

const facts = (overrides: Partial<CheckFacts> = {}): CheckFacts => ({
  schedule: new CheckSchedule({ everySeconds: 3600, graceSeconds: 300 }),
  enabled: true,
  createdAt: CREATED,
  state: null,
  pause: null,
  firing: false,
  ...overrides,
});

const paused = (at: number): CheckPauseState => ({
  ruleId: RULE,
  tenantId: TENANT,
  pausedAt: at,
  pausedBy: 'ops (dat_abc…)',
  resumedAt: null,
});

const resumed = (at: number): CheckPauseState => ({
  ruleId: RULE,
  tenantId: TENANT,
  pausedAt: null,
  pausedBy: null,
  resumedAt: at,
});

describe('checkStatusAt', () => {
  it('is new while it never had a success ping and is not due yet, counting from its creation', () => {
    expect(checkStatusAt(facts(), CREATED + 1000)).toEqual({
      status: 'new',
      expectedAt: CREATED + HOUR,
      deadlineAt: CREATED + HOUR + GRACE,
    });
    // Only a failure heard (no success ping): still new.
    const failedOnly = { ...stateWith(null), pings: [{ at: CREATED + 10, kind: 'fail' as const, durationMs: null }] };
    expect(checkStatusAt(facts({ state: failedOnly }), CREATED + 1000).status).toBe('new');
  });

  it('is up after a success ping, until the next one is expected (a ms before)', () => {
    const last = CREATED + 600_000;
    expect(checkStatusAt(facts({ state: stateWith(last) }), last + HOUR - 1)).toEqual({
      status: 'up',
      expectedAt: last + HOUR,
      deadlineAt: last + HOUR + GRACE,
    });
  });

  it('is late from exactly expectedAt, through the grace, until a ms before deadlineAt', () => {
    const last = CREATED + 600_000;
    const state = stateWith(last);
    expect(checkStatusAt(facts({ state }), last + HOUR).status).toBe('late');
    expect(checkStatusAt(facts({ state }), last + HOUR + GRACE - 1).status).toBe('late');
    // A check that never pinged is late too once due.
    expect(checkStatusAt(facts(), CREATED + HOUR).status).toBe('late');
  });

  it('is down by time from exactly deadlineAt', () => {
    const last = CREATED + 600_000;
    expect(checkStatusAt(facts({ state: stateWith(last) }), last + HOUR + GRACE)).toEqual({
      status: 'down',
      expectedAt: last + HOUR,
      deadlineAt: last + HOUR + GRACE,
    });
    expect(checkStatusAt(facts(), CREATED + HOUR + GRACE).status).toBe('down');
  });

  it('is down while an alert of it fires, even before its ping is due', () => {
    const last = CREATED + 600_000;
    expect(checkStatusAt(facts({ state: stateWith(last), firing: true }), last + 1000).status).toBe('down');
    expect(checkStatusAt(facts({ firing: true }), CREATED + 1).status).toBe('down');
  });

  it('is paused while paused, whatever the time or a firing alert', () => {
    const pause = paused(CREATED + 100);
    expect(checkStatusAt(facts({ pause }), CREATED + 1000).status).toBe('paused');
    expect(checkStatusAt(facts({ pause, firing: true }), CREATED + 10 * HOUR).status).toBe('paused');
  });

  it('is paused while its rule is disabled', () => {
    expect(checkStatusAt(facts({ enabled: false }), CREATED + 10 * HOUR)).toEqual({
      status: 'paused',
      expectedAt: CREATED + HOUR,
      deadlineAt: CREATED + HOUR + GRACE,
    });
  });

  it('counts from the resumption once resumed after its last ping', () => {
    const last = CREATED + 600_000;
    const resumedAt = CREATED + 5 * HOUR;
    const result = checkStatusAt(facts({ state: stateWith(last), pause: resumed(resumedAt) }), resumedAt + 1000);
    expect(result).toEqual({ status: 'up', expectedAt: resumedAt + HOUR, deadlineAt: resumedAt + HOUR + GRACE });
  });

  it('follows a cron schedule in its zone (09:00 Berlin is 07:00Z on the spring-forward day)', () => {
    const schedule = new CheckSchedule({ schedule: '0 9 * * *', timezone: 'Europe/Berlin', graceSeconds: 600 });
    const last = Date.parse('2027-03-27T08:30:00.000Z');
    const expectedAt = Date.parse('2027-03-28T07:00:00.000Z');
    const at = (now: number) => checkStatusAt(facts({ schedule, state: stateWith(last) }), now);
    expect(at(expectedAt - 1)).toEqual({ status: 'up', expectedAt, deadlineAt: expectedAt + 600_000 });
    expect(at(expectedAt).status).toBe('late');
    expect(at(expectedAt + 600_000).status).toBe('down');
  });
});

describe('checkSince', () => {
  it('is the latest of the last ping, the creation and the resumption', () => {
    expect(checkSince({ createdAt: CREATED, state: null, pause: null })).toBe(CREATED);
    expect(checkSince({ createdAt: CREATED, state: stateWith(null), pause: null })).toBe(CREATED);
    expect(checkSince({ createdAt: CREATED, state: stateWith(CREATED + 5), pause: null })).toBe(CREATED + 5);
    expect(checkSince({ createdAt: CREATED, state: stateWith(CREATED + 5), pause: resumed(CREATED + 9) })).toBe(
      CREATED + 9,
    );
    expect(checkSince({ createdAt: CREATED, state: stateWith(CREATED + 9), pause: resumed(CREATED + 5) })).toBe(
      CREATED + 9,
    );
    // A pause (not resumed) does not move it.
    expect(checkSince({ createdAt: CREATED, state: stateWith(CREATED + 5), pause: paused(CREATED + 9) })).toBe(
      CREATED + 5,
    );
  });
});
