import { CompiledMatch, typeGlob } from './compiled-match';
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
  it('matches the documented example: disk over 90% from the nightly cron', () => {
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

  it('judges payload conditions with the shared matcher (every operator is tested in libs/shared/conditions)', () => {
    const holds = (field: string, op: never, value?: unknown) =>
      new CompiledMatch({ payload: [{ field, op, value: value as never }] }).matches(disk);
    expect(holds('pct', 'eq' as never, '93')).toBe(true); // a number and its decimal text are equal
    expect(holds('pct', 'eq' as never, '0x5d')).toBe(false); // but only in JSON's number grammar
    expect(holds('missing', 'neq' as never, 'x')).toBe(false);
    expect(holds('payload.disk.mount', 'exists' as never)).toBe(true);
    expect(holds('tags.0', 'exists' as never)).toBe(false); // paths do not enter arrays
    const both = new CompiledMatch({
      payload: [
        { field: 'host', op: 'in', value: ['backup-1', 'backup-2'] },
        { field: 'pct', op: 'lte', value: 92 },
      ],
    });
    expect(both.evaluate(disk)).toEqual({
      matched: false,
      condition: 'payload.pct <= 92',
      reason: 'payload.pct is 93',
    });
    expect(
      new CompiledMatch({ payload: [{ field: 'pct', op: 'gt', value: 90 }] }).matches({
        ...disk,
        payload: 'x' as never,
      }),
    ).toBe(false);
  });

  it('globs types with * anywhere, everything else literal', () => {
    expect(typeGlob('deploy.*').matches('deploy.failed')).toBe(true);
    expect(typeGlob('deploy.*').matches('deployXfailed')).toBe(false);
    expect(typeGlob('*.failed').matches('backup.failed')).toBe(true);
    expect(typeGlob('a+b').matches('aab')).toBe(false);
    expect(typeGlob('a+b').matches('a+b')).toBe(true);
  });

  it('matches a type glob in linear time, even one that makes a regular expression backtrack', () => {
    const match = new CompiledMatch({ type: '*a*a*a*a*a*a*b' });
    const event = { ...disk, type: 'a'.repeat(64) };
    const started = process.hrtime.bigint();
    let matched = 0;
    for (let i = 0; i < 1000; i++) if (match.matches(event)) matched++;
    // A backtracking regular expression takes seconds for one such event; this is microseconds each.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
    expect(matched).toBe(0);
    expect(match.evaluate(event)).toEqual({
      matched: false,
      condition: 'type *a*a*a*a*a*a*b',
      reason: `type ${event.type} does not match *a*a*a*a*a*a*b`,
    });
    expect(new CompiledMatch({ type: '*a*a*a*a*a*a*b' }).matches({ ...disk, type: 'xaaaaaayb' })).toBe(true);
  });

  it('still matches with a stored type glob past the limits new rules are held to', () => {
    const nine = '*.*.*.*.*.*.*.*.*';
    expect(new CompiledMatch({ type: nine }).matches({ ...disk, type: 'a.b.c.d.e.f.g.h.i' })).toBe(true);
    expect(new CompiledMatch({ type: nine }).matches({ ...disk, type: 'a.b' })).toBe(false);
  });
});

describe('alert summaries and groups', () => {
  it('cuts a long value on a character boundary: the summary is always well-formed', () => {
    for (let at = 195; at <= 202; at++) {
      const value = 'x'.repeat(at) + '🚀'.repeat(10);
      const summary = renderSummary('host {{payload.host}} down', { ...disk, payload: { host: value } });
      expect(summary.isWellFormed()).toBe(true);
      expect(summary.length).toBeLessThanOrEqual('host  down'.length + 201);
      expect(summary).toMatch(/^host x+(🚀)*… down$/);
    }
    const straddling = renderSummary('{{payload.v}}', { ...disk, payload: { v: 'x'.repeat(199) + '🚀🚀' } });
    expect(straddling).toBe('x'.repeat(199) + '…');
    const whole = renderSummary('{{payload.v}}', { ...disk, payload: { v: 'x'.repeat(198) + '🚀' } });
    expect(whole).toBe('x'.repeat(198) + '🚀');
    const long = renderSummary(`${'y'.repeat(1022)}{{payload.v}}`, { ...disk, payload: { v: '🚀🚀' } });
    expect(long).toBe(`${'y'.repeat(1022)}…`);
    expect(long.isWellFormed()).toBe(true);
  });

  it('never puts a NUL or a lone surrogate from a value into a summary', () => {
    const event = { ...disk, payload: { nul: 'a\u0000b', lone: 'c\udfffd', obj: { k: '\u0000' } } };
    expect(renderSummary('{{payload.nul}} {{payload.lone}}', event)).toBe('a\ufffdb c\ufffdd');
    expect(renderSummary('{{payload.obj}}', event)).toBe('{"k":"\\u0000"}');
  });

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
