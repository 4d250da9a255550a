import { dedupKeyOf, isResolveRequest } from './dedup-key';

const event = (payload: Record<string, unknown>) => ({
  type: 'disk.full',
  module: 'ops',
  source: 'monitor',
  summary: 's',
  severity: 'critical' as const,
  payload,
});

describe('dedup keys', () => {
  it('reads the key at payload.dedupKey, or at the field the rule names', () => {
    expect(dedupKeyOf(undefined, event({ dedupKey: 'inc-1' }))).toBe('inc-1');
    expect(dedupKeyOf('payload.incident.key', event({ incident: { key: 42 } }))).toBe('42');
    expect(dedupKeyOf('payload.incident.key', event({ dedupKey: 'inc-1' }))).toBeNull();
  });

  it('takes no key that a sender would not send back: empty, too long, an object, not finite', () => {
    for (const value of ['', 'x'.repeat(256), { a: 1 }, [1], null, true, Number.NaN]) {
      expect(dedupKeyOf(undefined, event({ dedupKey: value }))).toBeNull();
    }
    expect(dedupKeyOf(undefined, event({ dedupKey: 'x'.repeat(255) }))).toHaveLength(255);
  });

  it('is a resolve request only with payload.eventAction "resolve"', () => {
    expect(isResolveRequest(event({ eventAction: 'resolve' }))).toBe(true);
    expect(isResolveRequest(event({ eventAction: 'trigger' }))).toBe(false);
    expect(isResolveRequest(event({ action: 'resolve' }))).toBe(false);
  });
});
