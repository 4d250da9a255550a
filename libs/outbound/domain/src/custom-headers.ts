import { validateHeaderName, validateHeaderValue } from 'node:http';

/** Custom headers of a webhook, at most, and how long their names and values may be. */
export const CUSTOM_HEADER_LIMITS = { maxHeaders: 20, maxNameLength: 100, maxValueLength: 4096 } as const;

/**
 * Headers a webhook may not set, lowercase; a name ending in `*` is a prefix.
 *  - set by the dispatcher on every delivery: the body's type, the user agent and the signature
 *    headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`, `X-Daalu-Signature`,
 *    `X-Daalu-Signature-Next`, see signing.ts), with room for more of them;
 *  - the connection's own (framing and hop-by-hop): sending them would break the request or make the
 *    HTTP client throw on every delivery (`Expect`, `Transfer-Encoding`, `Connection`…).
 */
const SET_BY_DAALU = ['content-type', 'user-agent', 'webhook-*', 'x-daalu-*'];
const THE_CONNECTIONS = [
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'expect',
  'upgrade',
  'te',
  'trailer',
  'proxy-*',
];

/** Visible ASCII, space and tab: what every HTTP stack sends and reads back unchanged. */
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;

function listed(list: readonly string[], lower: string): boolean {
  return list.some((entry) => (entry.endsWith('*') ? lower.startsWith(entry.slice(0, -1)) : lower === entry));
}

/** Why a custom header cannot be saved, or null. Every delivery would fail (or misbehave) with it. */
export function customHeaderProblem(name: string, value: unknown): string | null {
  if (name.length === 0 || name.length > CUSTOM_HEADER_LIMITS.maxNameLength || !isToken(name))
    return `not a valid header name: 1-${CUSTOM_HEADER_LIMITS.maxNameLength} letters, digits and !#$%&'*+-.^_\`|~`;
  const lower = name.toLowerCase();
  if (listed(SET_BY_DAALU, lower)) return 'set by Daalu on every delivery; cannot be overridden';
  if (listed(THE_CONNECTIONS, lower)) return 'belongs to the HTTP connection and is set by it; cannot be set';
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > CUSTOM_HEADER_LIMITS.maxValueLength)
    return `must be at most ${CUSTOM_HEADER_LIMITS.maxValueLength} characters`;
  if (!FIELD_VALUE.test(value)) {
    const chars = [...value];
    const at = chars.findIndex((char) => !FIELD_VALUE.test(char));
    const code = chars[at].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `must be one line of visible ASCII, spaces and tabs (it has U+${code} at character ${at + 1})`;
  }
  if (!isFieldValue(name, value)) return 'not a valid header value';
  return null;
}

/** Problems of a webhook's custom headers: each header's, and names given twice in another case. */
export function customHeadersProblems(headers: Record<string, unknown>): Array<{ name: string; reason: string }> {
  const problems: Array<{ name: string; reason: string }> = [];
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    const reason = customHeaderProblem(name, value);
    if (reason) problems.push({ name, reason });
    else if (seen.has(name.toLowerCase()))
      problems.push({ name, reason: 'given twice (header names are case-insensitive)' });
    seen.add(name.toLowerCase());
  }
  return problems;
}

/** An RFC 9110 token, as Node's HTTP client checks it. */
function isToken(name: string): boolean {
  try {
    validateHeaderName(name);
    return true;
  } catch {
    return false;
  }
}

/** A field value Node's HTTP client would send (it also allows Latin-1, which the rule above does not). */
function isFieldValue(name: string, value: string): boolean {
  try {
    validateHeaderValue(name, value);
    return true;
  } catch {
    return false;
  }
}
