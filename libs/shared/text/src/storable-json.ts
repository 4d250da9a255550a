import { sanitizeText, textReason } from './well-formed';

/**
 * What JSON.stringify writes for text PostgreSQL refuses in json-to-jsonb or json-to-text: the escape
 * of NUL (`\u0000`) and of a lone surrogate (`\ud800`-`\udfff`; a well-formed pair is written as is).
 * An escaped backslash followed by `u0000` matches too: that only costs the slower, exact path.
 */
const REFUSED_ESCAPE = /\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/**
 * `JSON.stringify(value)`, with every string and key that cannot be stored as text (NUL, lone
 * surrogates) sanitized to U+FFFD, so that the text always goes into a jsonb column. For values from
 * outside that must be recorded whatever they hold (a fact that reached the log before the edge
 * checks, a receiver's reply). One plain stringify when nothing is wrong, which is nearly always.
 */
export function stringifyStorable(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined || !REFUSED_ESCAPE.test(text)) return text;
  return JSON.stringify(value, storableReplacer);
}

function storableReplacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'string') return textReason(value) ? sanitizeText(value) : value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.some((key) => textReason(key) !== null)) {
      // Rebuilt with sanitized keys; its values come back through this replacer as it is written.
      return Object.fromEntries(keys.map((key) => [sanitizeText(key), (value as Record<string, unknown>)[key]]));
    }
  }
  return value;
}
