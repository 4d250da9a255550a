/**
 * Text that PostgreSQL, JSON consumers and HTTP can all carry: no NUL character (PostgreSQL's text and
 * jsonb refuse U+0000) and well-formed UTF-16 (a lone surrogate cannot be encoded as UTF-8, so
 * PostgreSQL rejects it too). Checked at every edge, so such text never reaches the log.
 */

export interface TextProblem {
  /** Where it is: `payload.host`, `payload["a b"]` (a key), `summary`; '' for the value itself. */
  path: string;
  reason: string;
}

export const NUL_REASON = 'must not contain a NUL character (\\u0000)';
export const LONE_SURROGATE_REASON = 'must be well-formed Unicode (it contains a lone surrogate, \\ud800-\\udfff)';

/** Why a string cannot be stored as text, or null when it can. */
export function textReason(value: string): string | null {
  if (value.includes('\u0000')) return NUL_REASON;
  if (!value.isWellFormed()) return LONE_SURROGATE_REASON;
  return null;
}

/**
 * The first string (object key or string value) in a parsed JSON value that cannot be stored as text.
 * Iterative, so a deeply nested value cannot overflow the stack; `prefix` names the value's own place.
 */
export function findTextProblem(value: unknown, prefix = ''): TextProblem | null {
  const stack: Array<[unknown, string]> = [[value, prefix]];
  while (stack.length > 0) {
    const [item, path] = stack.pop()!;
    if (typeof item === 'string') {
      const reason = textReason(item);
      if (reason) return { path, reason };
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], `${path}[${i}]`]);
    } else if (item !== null && typeof item === 'object') {
      const keys = Object.keys(item);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i];
        const keyReason = textReason(key);
        // A bad key is named by where it sits, since the key itself cannot be printed faithfully.
        if (keyReason) return { path: path === '' ? '(a key)' : `${path} (a key)`, reason: `keys ${keyReason}` };
        stack.push([(item as Record<string, unknown>)[key], joinPath(path, key)]);
      }
    }
  }
  return null;
}

/** `a.b` for identifier-like keys, `a["b c"]` otherwise. */
export function joinPath(path: string, key: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/**
 * Text from outside that must be stored whatever it holds (a receiver's reply, an error message): NUL
 * and lone surrogates become U+FFFD, so the record can always be written.
 */
export function sanitizeText(value: string): string {
  return value.replace(/\u0000/g, '\ufffd').toWellFormed();
}
