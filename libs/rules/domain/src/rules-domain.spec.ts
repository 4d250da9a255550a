import { CompiledMatch, globToRegExp } from './compiled-match';
import type { EventView } from './event-view';
import { eventOfGroup, groupKey, slideWindow } from './grouping';
import { renderSummary, unknownPlaceholders } from './summary-template';

const disk: EventView = {
  type: 'check.failed',
  module: 'custom',
  source: 'nightly-cron',
  severity: 'warning',
  summary: 'disk usage on backup host exceeded 90%',
  payload: { host: 'backup-1', pct: 93, disk: { mount: '/var' }, tags: ['a'] },
};

describe('CompiledMatch', () => {
  it('matches the product page example: disk over 90% from the nightly cron', () => {
    const rule = new CompiledMatch({
      type: 'check.failed',
      module: 'custom',
      source: 'nightly-cron',
      minSeverity: 'warning',
      payload: [{ field: 'pct', op: 'gt', value: 90 }],
    });
    expect(rule.evaluate(disk)).toEqual({ matched: true });
    expect(rule.matches({ ...disk, payload: { pct: 85 } })).toBe(false);
  });

  it('says which condition decided a miss', () => {
    const rule = new CompiledMatch({ type: 'deploy.*', minSeverity: 'critical' });
    expect(rule.evaluate(disk)).toEqual({
      matched: false,
      condition: 'type deploy.*',
      reason: 'type check.failed does not match deploy.*',
    });
    expect(new CompiledMatch({ minSeverity: 'critical' }).evaluate(disk)).toMatchObject({
      condition: 'minSeverity critical',
      reason: 'severity warning is below critical',
    });
    expect(new CompiledMatch({ payload: [{ field: 'pct', op: 'gt', value: 95 }] }).evaluate(disk)).toMatchObject({
      condition: 'payload.pct > 95',
      reason: 'payload.pct is 93',
    });
    expect(new CompiledMatch({ payload: [{ field: 'region', op: 'exists' }] }).evaluate(disk)).toMatchObject({
      reason: 'payload.region is absent',
    });
  });

  it('has every payload operator', () => {
    const holds = (field: string, op: never, value?: unknown) =>
      new CompiledMatch({ payload: [{ field, op, value: value as never }] }).matches(disk);
    expect(holds('host', 'eq' as never, 'backup-1')).toBe(true);
    expect(holds('pct', 'eq' as never, '93')).toBe(true); // a number and its decimal text are equal
    expect(holds('pct', 'eq' as never, '0x5d')).toBe(false); // but only in JSON's number grammar
    expect(holds('host', 'neq' as never, 'backup-2')).toBe(true);
    expect(holds('missing', 'neq' as never, 'x')).toBe(false);
    expect(holds('host', 'in' as never, ['backup-1', 'backup-2'])).toBe(true);
    expect(holds('pct', 'gte' as never, 93)).toBe(true);
    expect(holds('pct', 'lt' as never, 93)).toBe(false);
    expect(holds('pct', 'lte' as never, 93)).toBe(true);
    expect(holds('host', 'gt' as never, 1)).toBe(false); // not a number: never greater
    expect(holds('disk.mount', 'eq' as never, '/var')).toBe(true);
    expect(holds('payload.disk.mount', 'exists' as never)).toBe(true);
    expect(holds('tags.0', 'exists' as never)).toBe(false); // paths do not enter arrays
  });

  it('globs types with * anywhere, everything else literal', () => {
    expect(globToRegExp('deploy.*').test('deploy.failed')).toBe(true);
    expect(globToRegExp('deploy.*').test('deployXfailed')).toBe(false);
    expect(globToRegExp('*.failed').test('backup.failed')).toBe(true);
    expect(globToRegExp('a+b').test('aab')).toBe(false);
  });
});

describe('alert summaries and groups', () => {
  it('fills placeholders from the event, never evaluating anything', () => {
    expect(renderSummary('disk on {{payload.host}} at {{payload.pct}}% ({{count}}x, {{ type }})', disk, 3)).toBe(
      'disk on backup-1 at 93% (3x, check.failed)',
    );
    expect(renderSummary('{{payload.nothing}}|{{payload.disk}}|{{constructor}}', disk)).toBe('|{"mount":"/var"}|');
    expect(unknownPlaceholders('{{payload.host}} {{hostt}} {{count}}')).toEqual(['hostt']);
  });

  it('groups by a field value, and keeps a sliding window of at most N matches', () => {
    expect(groupKey('payload.host', disk)).toBe('backup-1');
    expect(groupKey('source', disk)).toBe('nightly-cron');
    expect(groupKey(undefined, disk)).toBe('');
    expect(groupKey('payload.service', disk)).toBe('');
    const at = (...times: number[]) => times.map((time) => ({ time }));
    expect(slideWindow(at(1000, 5000, 9000), { time: 12_000 }, 10_000, 5)).toEqual(at(5000, 9000, 12_000));
    expect(slideWindow(at(5000, 9000, 11_000), { time: 12_000 }, 10_000, 3)).toEqual(at(9000, 11_000, 12_000));
  });
});

describe('a silent group', () => {
  it('can name its group in the summary, and nothing else', () => {
    expect(renderSummary('{{payload.host}} silent', eventOfGroup('payload.host', 'cron-1'))).toBe('cron-1 silent');
    expect(renderSummary('{{source}} silent', eventOfGroup('source', 'sensor-7'))).toBe('sensor-7 silent');
    expect(renderSummary('{{payload.a.b}}|{{type}}', eventOfGroup('payload.a.b', 'x'))).toBe('x|');
    expect(renderSummary('{{payload.host}} silent', eventOfGroup(undefined, ''))).toBe(' silent');
  });
});
