import { describe, expect, it } from '@jest/globals';
import { indentJsonText } from './json-text';

describe('indentJsonText', () => {
  it('indents like JSON.stringify(…, 2) for ordinary JSON', () => {
    const value = { a: 1, b: [true, null, 'x'], c: { d: {} }, e: [] };
    expect(indentJsonText(JSON.stringify(value))).toBe(JSON.stringify(value, null, 2));
  });

  it('keeps the keys in the order received, numbers as written and escapes as sent', () => {
    const text = '{"type":"deploy", "2":"two", "amount": 1.10, "big": 12345678901234567890, "s":"a\\"b: {c}, d"}';
    expect(indentJsonText(text)).toBe(
      [
        '{',
        '  "type": "deploy",',
        '  "2": "two",',
        '  "amount": 1.10,',
        '  "big": 12345678901234567890,',
        '  "s": "a\\"b: {c}, d"',
        '}',
      ].join('\n'),
    );
  });

  it('leaves text that is not JSON as it is', () => {
    expect(indentJsonText('name=value&x=1')).toBe('name=value&x=1');
    expect(indentJsonText('{"cut at 4 KiB": "abc')).toBe('{"cut at 4 KiB": "abc');
  });
});
