import { stringifyStorable } from './index';

describe('stringifyStorable', () => {
  it('is JSON.stringify when every string can be stored', () => {
    const value = { a: [1, 'ok 🚀', null, { 'k"': 'a\\u0000b' }], n: 1.5 };
    expect(stringifyStorable(value)).toBe(JSON.stringify(value));
    expect(stringifyStorable(undefined)).toBeUndefined();
  });

  it('sanitizes NUL and lone surrogates in values and keys, anywhere', () => {
    const value = { summary: 'a\u0000b', list: ['\ud83d', { 'k\u0000': 'x\udfff' }], ok: '🚀' };
    const text = stringifyStorable(value);
    expect(JSON.parse(text)).toEqual({ summary: 'a\ufffdb', list: ['\ufffd', { 'k\ufffd': 'x\ufffd' }], ok: '🚀' });
    expect(text).not.toMatch(/\\u0000|\\ud[89a-f]/i);
  });

  it('keeps toJSON and drops what JSON.stringify drops', () => {
    const at = new Date(0);
    expect(JSON.parse(stringifyStorable({ at, f: () => 1, s: 'x\u0000' }))).toEqual({
      at: at.toISOString(),
      s: 'x\ufffd',
    });
  });
});
