import { nestAt, parseTimelineFilter, payloadCandidates } from './timeline-filter';

describe('parseTimelineFilter', () => {
  it('reads every filter', () => {
    const { filter, errors } = parseTimelineFilter({
      type: 'deploy.*',
      module: 'ci',
      source: 'github',
      severity: ['warning,critical', 'warning'],
      since: '2026-11-27',
      until: '2026-11-27T14:30:00+01:00',
      q: 'timeout',
      'payload.service': 'api',
      'payload.a.b': ['1', 'x'],
    });
    expect(errors).toEqual([]);
    expect(filter).toEqual({
      type: { prefix: 'deploy.' },
      module: 'ci',
      source: 'github',
      severities: ['warning', 'critical'],
      since: new Date('2026-11-27T00:00:00Z'),
      until: new Date('2026-11-27T13:30:00Z'),
      q: 'timeout',
      payload: [
        { path: ['service'], value: 'api' },
        { path: ['a', 'b'], value: '1' },
        { path: ['a', 'b'], value: 'x' },
      ],
    });
    expect(parseTimelineFilter({ type: 'deploy.failed' }).filter.type).toEqual({ exact: 'deploy.failed' });
  });

  it('names every bad parameter', () => {
    const { errors } = parseTimelineFilter({
      type: 'de*ploy',
      severity: 'fatal',
      since: '2026-11-27T14:30:00', // no offset: whose local time?
      until: '2026-02-30',
      q: '',
      sevrity: 'info',
      'payload.a..b': '1',
      module: ['a', 'b'],
    });
    expect(errors.map((e) => e.field).sort()).toEqual(
      ['module', 'payload.a..b', 'q', 'severity', 'since', 'sevrity', 'type', 'until'].sort(),
    );
    expect(parseTimelineFilter({ type: 'a\t*' }).errors).toEqual([
      { field: 'type', message: 'must not contain control characters' },
    ]);
    expect(parseTimelineFilter({ since: '2026-11-28', until: '2026-11-27' }).errors.map((e) => e.field)).toEqual([
      'until',
    ]);
    expect(parseTimelineFilter({ limit: '5' }).errors).toEqual([{ field: 'limit', message: 'unknown parameter' }]);
    expect(parseTimelineFilter({ limit: '5' }, ['limit']).errors).toEqual([]);
  });

  it('keeps since and until within what PostgreSQL holds, and on the calendar', () => {
    const fieldsOf = (value: string) =>
      [parseTimelineFilter({ since: value }), parseTimelineFilter({ until: value })].map((r) =>
        r.errors.map((e) => e.field),
      );
    for (const value of [
      '0000-01-01',
      '0000-12-31T23:59:59Z',
      '0001-01-01T00:30:00+01:00',
      '9999-12-31T23:30:00-01:00',
      '99999-01-01',
      '+275760-09-13',
      '2024-02-30',
      '2023-02-29',
      '1900-02-29',
      '2024-00-10',
      '2024-13-01',
      '2024-01-01T25:00:00Z',
      '2024-01-01T00:00:60Z',
      '2024-01-01T00:00:00+99:99',
    ]) {
      expect({ value, fields: fieldsOf(value) }).toEqual({ value, fields: [['since'], ['until']] });
    }
    expect(parseTimelineFilter({ since: '0000-01-01' }).errors[0].message).toMatch(/from 0001-01-01/);
    expect(parseTimelineFilter({ since: '2024-02-30' }).errors[0].message).toMatch(/on the calendar/);
    expect(parseTimelineFilter({ since: '0001-01-01', until: '9999-12-31T23:59:59.999Z' })).toEqual({
      errors: [],
      filter: {
        payload: [],
        since: new Date('0001-01-01T00:00:00Z'),
        until: new Date('9999-12-31T23:59:59.999Z'),
      },
    });
    expect(parseTimelineFilter({ since: '2024-02-29', until: '2000-02-29T00:00:00Z' }).errors).toEqual([
      { field: 'until', message: 'must be after since' },
    ]);
    expect(parseTimelineFilter({ since: '0004-02-29' }).errors).toEqual([]);
  });

  it('names a parameter holding a NUL or a lone surrogate, once, and reads it no further', () => {
    const nul = 'must not contain a NUL character (\\u0000)';
    expect(parseTimelineFilter({ q: '\u0000' }).errors).toEqual([{ field: 'q', message: nul }]);
    expect(parseTimelineFilter({ type: 'a\u0000*' }).errors).toEqual([{ field: 'type', message: nul }]);
    expect(parseTimelineFilter({ 'payload.x': ['ok', 'v\u0000'] }).errors).toEqual([
      { field: 'payload.x', message: nul },
    ]);
    expect(parseTimelineFilter({ severity: '\u0000' }).errors).toEqual([{ field: 'severity', message: nul }]);
    expect(parseTimelineFilter({ cursor: '\u0000' }, ['cursor']).errors).toEqual([{ field: 'cursor', message: nul }]);
    expect(parseTimelineFilter({ source: 'x\udfff' }).errors).toEqual([
      { field: 'source', message: expect.stringMatching(/lone surrogate/) },
    ]);
    expect(parseTimelineFilter({ 'payload.\u0000': '1' }).errors).toEqual([
      { field: '(a parameter name)', message: expect.stringMatching(/NUL/) },
    ]);
    const emoji = parseTimelineFilter({ q: '🚀', 'payload.x': '🚀' });
    expect(emoji.errors).toEqual([]);
    expect(emoji.filter).toMatchObject({ q: '🚀', payload: [{ path: ['x'], value: '🚀' }] });
  });

  it('refuses a type pattern the glob limits refuse, and keeps exact types and prefixes', () => {
    expect(parseTimelineFilter({ type: '*a*a*a*a*a*a*a*a*a' }).errors).toEqual([
      { field: 'type', message: "must have at most 8 '*' wildcards" },
    ]);
    expect(parseTimelineFilter({ type: '*a*b' }).errors).toEqual([
      { field: 'type', message: 'an exact type, or a prefix ending in * (e.g. deploy.*)' },
    ]);
    expect(parseTimelineFilter({ type: 'deploy.*' }).filter.type).toEqual({ prefix: 'deploy.' });
  });

  it('matches payload values as strings, and as the JSON number or boolean they spell', () => {
    expect(payloadCandidates({ path: ['x'], value: '93' })).toEqual(['93', 93]);
    expect(payloadCandidates({ path: ['x'], value: '-1.5e3' })).toEqual(['-1.5e3', -1500]);
    expect(payloadCandidates({ path: ['x'], value: 'true' })).toEqual(['true', true]);
    expect(payloadCandidates({ path: ['x'], value: '0x10' })).toEqual(['0x10']);
    expect(payloadCandidates({ path: ['x'], value: '' })).toEqual(['']);
    expect(nestAt(['a', 'b'], 1)).toEqual({ a: { b: 1 } });
  });

  it('names a single-valued parameter given twice as the other query strings do', () => {
    expect(parseTimelineFilter({ type: ['a', 'b'], since: ['2026-01-01', '2026-01-02'] }).errors).toEqual([
      { field: 'type', message: 'must be given once' },
      { field: 'since', message: 'must be given once' },
    ]);
  });
});
