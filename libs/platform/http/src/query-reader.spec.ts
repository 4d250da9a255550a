import { encodeCursor } from './keyset-cursor';
import { ProblemException } from './problem';
import { QueryReader, type RawQuery } from './query-reader';

/** The 400 `done()` throws, or undefined when it does not. */
function problemOf(reader: QueryReader) {
  try {
    reader.done();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemException);
    return (error as ProblemException).problem as unknown as Record<string, unknown>;
  }
}

describe('QueryReader', () => {
  it('reads a good query and answers nothing', () => {
    const cursor = { at: '2026-11-27T14:30:00.123456Z', id: '0194f3a2-7c1e-7a00-8000-0000000000aa' };
    const reader = new QueryReader(
      {
        state: 'open',
        status: ['a,b', 'c'],
        since: '2026-11-27',
        until: '2026-11-28T00:00:00Z',
        limit: '20',
        cursor: encodeCursor(cursor),
        id: '0194F3A2-7C1E-7A00-8000-0000000000AB',
        q: '',
      },
      ['state', 'status', 'since', 'until', 'limit', 'cursor', 'id', 'q'],
      { repeatable: ['status'] },
    );
    expect(reader.one('state')).toBe('open');
    expect(reader.list('status')).toEqual(['a', 'b', 'c']);
    expect(reader.timeRange()).toEqual({
      since: new Date('2026-11-27T00:00:00Z'),
      until: new Date('2026-11-28T00:00:00Z'),
    });
    expect(reader.limit(50, 200)).toBe(20);
    expect(reader.cursor()).toEqual(cursor);
    expect(reader.uuid('id')).toBe('0194f3a2-7c1e-7a00-8000-0000000000ab');
    expect(reader.text('q', 200, 0)).toBe('');
    expect(problemOf(reader)).toBeUndefined();
  });

  it('answers absent parameters with undefined and the default limit', () => {
    const reader = new QueryReader({}, ['state', 'status', 'limit', 'cursor']);
    expect(reader.one('state')).toBeUndefined();
    expect(reader.list('status')).toBeUndefined();
    expect(reader.limit(50, 500)).toBe(50);
    expect(reader.cursor()).toBeUndefined();
    expect(reader.timeRange()).toEqual({});
    expect(reader.uuid('state')).toBeUndefined();
    expect(reader.text('state', 10)).toBeUndefined();
    expect(problemOf(reader)).toBeUndefined();
  });

  it('names an unknown parameter and one given more than once, and reads a repeated one as absent', () => {
    const reader = new QueryReader({ colour: 'red', state: ['a', 'b'], severity: ['x', 'y'] }, ['state', 'severity'], {
      repeatable: ['severity'],
    });
    expect(reader.one('state')).toBeUndefined();
    expect(reader.list('state')).toBeUndefined();
    expect(reader.list('severity')).toEqual(['x', 'y']);
    expect(problemOf(reader)).toEqual({
      type: '/problems/invalid-query',
      title: 'Invalid query',
      status: 400,
      detail: 'colour: unknown parameter; state: must be given once',
      errors: [
        { field: 'colour', message: 'unknown parameter' },
        { field: 'state', message: 'must be given once' },
      ],
    });
  });

  it('knows dynamic names through its predicate', () => {
    const reader = new QueryReader({ 'payload.env': 'prod', payloads: 'x' }, [], {
      isKnown: (name) => name.startsWith('payload.'),
    });
    expect(reader.problems).toEqual([{ field: 'payloads', message: 'unknown parameter' }]);
  });

  it('takes a limit from 1 to max, a whole number', () => {
    for (const limit of ['0', '201', '-1', '1.5', '1e1', ' 5', '', 'ten', '00010']) {
      const reader = new QueryReader({ limit }, ['limit']);
      expect({ limit, read: reader.limit(50, 200), problems: reader.problems }).toEqual({
        limit,
        read: 50,
        problems: [{ field: 'limit', message: 'must be a whole number from 1 to 200' }],
      });
    }
    for (const [limit, read] of [
      ['1', 1],
      ['200', 200],
      ['050', 50],
    ] as const) {
      expect(new QueryReader({ limit }, ['limit']).limit(50, 200)).toBe(read);
    }
  });

  it('refuses a cursor it did not issue', () => {
    const reader = new QueryReader({ cursor: 'nope' }, ['cursor']);
    expect(reader.cursor()).toBeUndefined();
    expect(reader.problems).toEqual([
      { field: 'cursor', message: 'not a cursor this API issued (use nextCursor as given)' },
    ]);
  });

  it('reads since and until as timestamps PostgreSQL takes, until after since', () => {
    const bad = new QueryReader({ since: 'yesterday', until: '2026-02-30' }, ['since', 'until']);
    expect(bad.timeRange()).toEqual({});
    expect(bad.problems.map((p) => p.field)).toEqual(['since', 'until']);
    expect(bad.problems[0].message).toMatch(/ISO 8601/);

    const reversed = new QueryReader({ since: '2026-11-28', until: '2026-11-27' }, ['since', 'until']);
    expect(reversed.timeRange()).toEqual({ since: new Date('2026-11-28T00:00:00Z') });
    expect(reversed.problems).toEqual([{ field: 'until', message: 'must be after since' }]);

    const same = new QueryReader({ since: '2026-11-28', until: '2026-11-28T00:00:00Z' }, ['since', 'until']);
    same.timeRange();
    expect(same.problems).toEqual([{ field: 'until', message: 'must be after since' }]);
  });

  it('reads a UUID, naming what it should be', () => {
    const reader = new QueryReader({ ruleId: '7', eventId: 'x' }, ['ruleId', 'eventId']);
    expect(reader.uuid('ruleId', 'a rule id (UUID)')).toBeUndefined();
    expect(reader.uuid('eventId')).toBeUndefined();
    expect(reader.problems).toEqual([
      { field: 'ruleId', message: 'must be a rule id (UUID)' },
      { field: 'eventId', message: 'must be a UUID' },
    ]);
  });

  it('reads text within its length that can be stored', () => {
    const query: RawQuery = { a: '', b: 'x'.repeat(201), c: 'nul\u0000', d: '\ud800', e: 'x'.repeat(201) };
    const reader = new QueryReader(query, ['a', 'b', 'c', 'd', 'e']);
    for (const name of ['a', 'b', 'c', 'd']) expect(reader.text(name, 200)).toBeUndefined();
    expect(reader.text('e', 200, 0)).toBeUndefined();
    expect(reader.problems.map((p) => [p.field, p.message])).toEqual([
      ['a', 'must be 1 to 200 characters'],
      ['b', 'must be 1 to 200 characters'],
      ['c', expect.stringMatching(/NUL/)],
      ['d', expect.stringMatching(/lone surrogate/)],
      ['e', 'must be at most 200 characters'],
    ]);
  });

  it('adds the caller’s own problems, one 400 naming them all', () => {
    const reader = new QueryReader({ state: 'open', limit: '0' }, ['state', 'limit']);
    if (reader.one('state') !== 'firing') reader.fail('state', 'must be firing or resolved');
    reader.limit(50, 500);
    expect(problemOf(reader)).toMatchObject({
      status: 400,
      detail: 'state: must be firing or resolved; limit: must be a whole number from 1 to 500',
    });
  });
});
