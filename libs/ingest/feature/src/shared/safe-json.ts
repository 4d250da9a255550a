import secureJson from 'secure-json-parse';

export type ParsedJson = { ok: true; value: unknown } | { ok: false; detail: string };

/**
 * JSON.parse that refuses `__proto__` and `constructor.prototype` keys instead of letting them reach an
 * object's prototype, and says in words what is wrong (for a 400).
 */
export function parseJsonSafely(text: string, what: string): ParsedJson {
  if (text.length === 0) return { ok: false, detail: `the body is empty; send ${what} as JSON` };
  try {
    return { ok: true, value: secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }) };
  } catch (error) {
    const message = (error as Error).message;
    return {
      ok: false,
      detail: /prototype/i.test(message) ? `forbidden key in JSON: ${message}` : `malformed JSON: ${message}`,
    };
  }
}
