import { KnownEventTypes, tallyEventTypes } from './event-types';
import type { TimelineRow } from './timeline-entries';

const tenant = '0194f3a2-7c1e-7a00-8000-0000000000aa';
const other = '0194f3a2-7c1e-7a00-8000-0000000000bb';
let seq = 0;

function row(type: string, source: string, recordedAt: string, overrides: Partial<TimelineRow> = {}): TimelineRow {
  seq++;
  return {
    tenantId: tenant,
    recordedAt,
    id: `0194f3a2-7c1e-7a00-8000-${String(seq).padStart(12, '0')}`,
    kind: 'event',
    type,
    module: 'custom',
    source,
    summary: 's',
    severity: 'info',
    payload: { seq },
    refId: null,
    correlationId: 'c',
    streamSeq: seq,
    ...overrides,
  };
}

describe('tallyEventTypes: a batch of timeline rows by tenant, type and UTC day', () => {
  it('counts, keeps first and last seen, the first sources and the latest payload as sample; later wins a tie', () => {
    const rows = [
      row('deploy', 'gh', '2026-11-27T10:00:00.000Z'),
      row('deploy', 'gl', '2026-11-27T09:00:00.000Z'),
      row('deploy', 'gh', '2026-11-27T11:00:00.000Z'),
      row('deploy', 'ci', '2026-11-27T11:00:00.000Z'),
      row('deploy', 'gh', '2026-11-27T10:30:00.000Z'),
    ];
    expect(tallyEventTypes(rows)).toEqual([
      {
        tenant_id: tenant,
        type: 'deploy',
        day: '2026-11-27',
        first_seen_at: '2026-11-27T09:00:00.000Z',
        last_seen_at: '2026-11-27T11:00:00.000Z',
        count: 5,
        sources: ['gh', 'gl', 'ci'],
        sample: rows[3].payload,
        first_seq: rows[0].streamSeq,
      },
    ]);
  });

  it('splits by tenant and UTC day, and leaves alerts and proposals out', () => {
    const rows = [
      row('deploy', 'gh', '2026-11-27T23:59:59.999Z'),
      row('deploy', 'gh', '2026-11-28T00:00:00.000Z'),
      row('deploy', 'gh', '2026-11-28T01:00:00+01:00'),
      row('deploy', 'gh', '2026-11-28T00:00:00.000Z', { tenantId: other }),
      row('alert.fired', 'rule-evaluator', '2026-11-28T00:00:00.000Z', { kind: 'alert.fired' }),
    ];
    expect(tallyEventTypes(rows).map((t) => [t.tenant_id === tenant ? 'a' : 'b', t.type, t.day])).toEqual([
      ['a', 'deploy', '2026-11-27'],
      ['a', 'deploy', '2026-11-28'],
      ['b', 'deploy', '2026-11-28'],
    ]);
  });

  it('keeps at most 20 sources, the first ones seen', () => {
    const rows = Array.from({ length: 30 }, (_, i) => row('t', `src-${i}`, '2026-11-27T10:00:00.000Z'));
    const [tally] = tallyEventTypes(rows);
    expect(tally.sources).toEqual(Array.from({ length: 20 }, (_, i) => `src-${i}`));
  });
});

describe('KnownEventTypes: the types a batch may upsert without the cap check', () => {
  const tally = (type: string, day: string, tenantId = tenant) => ({
    tenant_id: tenantId,
    type,
    day,
    count: 1,
    first_seen_at: `${day}T00:00:00.000Z`,
    last_seen_at: `${day}T00:00:00.000Z`,
    sources: ['s'],
    sample: {},
    first_seq: 1,
  });

  it('holds a type only with a row on a day retention has not reached, whatever the case of the tenant id', () => {
    const known = new KnownEventTypes();
    known.note(tenant.toUpperCase(), 'deploy', '2026-11-27');
    known.note(tenant, 'deploy', '2026-11-20');
    expect(known.holdAll([tally('deploy', '2026-11-28')], '2026-11-27')).toBe(true);
    expect(known.holdAll([tally('deploy', '2026-11-28')], '2026-11-28')).toBe(false);
    expect(known.holdAll([tally('deploy', '2026-11-28'), tally('other', '2026-11-28')], '2026-11-01')).toBe(false);
    expect(known.holdAll([tally('deploy', '2026-11-28', other)], '2026-11-01')).toBe(false);
    known.clear();
    expect(known.holdAll([tally('deploy', '2026-11-28')], '2026-11-01')).toBe(false);
  });
});
