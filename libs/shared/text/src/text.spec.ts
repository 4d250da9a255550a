import {
  compileGlob,
  compileStoredGlob,
  findTextProblem,
  globMatches,
  globProblem,
  sanitizeText,
  textReason,
  truncateUnits,
  truncateUtf8,
  truncateWithEllipsis,
} from './index';

describe('text that can be stored', () => {
  it('refuses NUL and lone surrogates, accepts pairs', () => {
    expect(textReason('ok 🚀')).toBeNull();
    expect(textReason('v\u0000')).toMatch(/NUL/);
    expect(textReason('\udfff')).toMatch(/lone surrogate/);
    expect(textReason('a\ud83d')).toMatch(/lone surrogate/);
  });

  it('names the first bad key or value anywhere in a JSON value', () => {
    expect(findTextProblem({ a: [1, { b: 'x' }] })).toBeNull();
    expect(findTextProblem({ k: 'v\u0000' }, 'payload')).toEqual({
      path: 'payload.k',
      reason: expect.stringMatching(/NUL/),
    });
    expect(findTextProblem({ list: ['ok', '\ud800'] }, 'payload')?.path).toBe('payload.list[1]');
    expect(findTextProblem({ 'a b': { 'k\u0000': 1 } }, 'payload')).toEqual({
      path: 'payload["a b"] (a key)',
      reason: expect.stringMatching(/^keys .*NUL/),
    });
  });

  it('walks deep values without recursion', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findTextProblem(deep)?.reason).toMatch(/NUL/);
  });

  it('sanitizes what must be stored whatever it holds', () => {
    expect(sanitizeText('a\u0000b\udfffc')).toBe('a\ufffdb\ufffdc');
  });
});

describe('cuts on character boundaries', () => {
  it('never leaves half a surrogate pair', () => {
    const text = 'ab🚀cd';
    expect(truncateUnits(text, 3)).toBe('ab');
    expect(truncateUnits(text, 4)).toBe('ab🚀');
    expect(truncateUnits(text, 100)).toBe(text);
    expect(truncateWithEllipsis('x'.repeat(199) + '🚀', 200)).toBe('x'.repeat(199) + '…');
    for (let max = 0; max <= text.length; max++) expect(truncateUnits(text, max).isWellFormed()).toBe(true);
  });

  it('cuts UTF-8 by bytes at a character start', () => {
    expect(truncateUtf8('aé🚀', 2)).toBe('a');
    expect(truncateUtf8('aé🚀', 3)).toBe('aé');
    expect(truncateUtf8('aé🚀', 6)).toBe('aé');
    expect(truncateUtf8('aé🚀', 7)).toBe('aé🚀');
  });
});

describe('glob', () => {
  it('matches `*` as any run of characters, the rest literally', () => {
    expect(globMatches('deploy.*', 'deploy.failed')).toBe(true);
    expect(globMatches('deploy.*', 'deploy.')).toBe(true);
    expect(globMatches('deploy.*', 'deployx')).toBe(false);
    expect(globMatches('*.failed', 'check.failed')).toBe(true);
    expect(globMatches('a*b*c', 'abc')).toBe(true);
    expect(globMatches('a*b*c', 'aXbYbZc')).toBe(true);
    expect(globMatches('a*b*c', 'acb')).toBe(false);
    expect(globMatches('ab*ba', 'aba')).toBe(false);
    expect(globMatches('*', '')).toBe(true);
    expect(globMatches('a.b', 'aXb')).toBe(false);
    expect(globMatches('a**b', 'ab')).toBe(true);
    expect(globMatches('(x)+[y]', '(x)+[y]')).toBe(true);
  });

  it('agrees with the regular expression it replaces', () => {
    const patterns = ['*a*b', 'a*', '*', 'ab*ab', '*aa*a', 'a*a*a', '*b*', 'ba*ab*'];
    const values = ['', 'a', 'b', 'ab', 'aab', 'abab', 'aaa', 'baab', 'bab', 'aabaab', 'babab'];
    for (const pattern of patterns) {
      const regex = new RegExp(
        `^${pattern
          .split('*')
          .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      );
      for (const value of values)
        expect([pattern, value, compileGlob(pattern).matches(value)]).toEqual([pattern, value, regex.test(value)]);
    }
  });

  it('takes linear time on the patterns that make a regular expression backtrack', () => {
    const glob = compileGlob('*a*a*a*a*a*a*a*b');
    const value = 'a'.repeat(100_000);
    const started = process.hrtime.bigint();
    expect(glob.matches(value)).toBe(false);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(100);
  });

  it('bounds pattern complexity', () => {
    expect(globProblem('deploy.*')).toBeNull();
    expect(globProblem('*'.repeat(9))).toMatch(/at most 8/);
    expect(globProblem('x'.repeat(201))).toMatch(/at most 200 characters/);
    expect(() => compileGlob('*'.repeat(9))).toThrow(RangeError);
  });

  it('still compiles a stored pattern past the limits, matching the same way', () => {
    const stored = compileStoredGlob('*a*a*a*a*a*a*a*a*a*b');
    expect(stored.matches('aaaaaaaaab')).toBe(true);
    expect(stored.matches('aaaaaaaab')).toBe(false);
    expect(stored.matches('a'.repeat(100_000))).toBe(false);
    expect(compileStoredGlob('deploy.*').matches('deploy.failed')).toBe(true);
  });
});
