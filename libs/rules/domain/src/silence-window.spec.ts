import { SilenceWindow, type SilenceCandidate } from './silence-window';

const RULE = '0194f3a2-7c1e-7a00-8000-0000000000aa';
const alert: SilenceCandidate = {
  ruleId: RULE,
  severity: 'critical',
  groupKey: 'db-1',
  payload: { host: 'db-1', pct: 97 },
};

describe('SilenceWindow', () => {
  it('covers from startsAt until endsAt, or until it was expired', () => {
    const silence = new SilenceWindow('s', 't', {}, 1_000, 5_000, null);
    expect([999, 1_000, 4_999, 5_000].map((at) => silence.covers(alert, at))).toEqual([false, true, true, false]);
    const expired = new SilenceWindow('s', 't', {}, 1_000, 5_000, 2_000);
    expect(expired.end).toBe(2_000);
    expect([1_999, 2_000].map((at) => expired.covers(alert, at))).toEqual([true, false]);
  });

  it('covers only alerts all of whose given matchers hold', () => {
    const covers = (matchers: ConstructorParameters<typeof SilenceWindow>[2], subject = alert) =>
      new SilenceWindow('s', 't', matchers, 0, 10, null).covers(subject, 5);
    expect(covers({ ruleId: RULE, severity: 'critical', groupKey: 'db-1' })).toBe(true);
    expect(covers({ severity: 'warning' })).toBe(false);
    expect(covers({ groupKey: 'db-2' })).toBe(false);
    expect(covers({ payload: [{ field: 'pct', op: 'gt', value: 90 }] })).toBe(true);
    expect(covers({ payload: [{ field: 'pct', op: 'gt', value: 99 }] })).toBe(false);
    // An absence alert has no event: a payload matcher never holds for it.
    expect(covers({ payload: [{ field: 'host', op: 'exists' }] }, { ...alert, payload: undefined })).toBe(false);
  });
});
