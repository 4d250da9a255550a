import { decodeCursor, invalidFields, type FieldError } from '@daalu/platform/http';
import { parseTimestamp } from '@daalu/shared/text';
import type { AuditFilter } from '@daalu/audit/data-access';

export const AUDIT_DEFAULT_LIMIT = 50;
export const AUDIT_MAX_LIMIT = 200;

const KNOWN = ['action', 'actor', 'since', 'until', 'limit', 'cursor'];
/** An action (`webhook.secret-revealed`), or a prefix of one followed by `.*` (`webhook.*`). */
const ACTION = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*(\.\*)?$/;

type QueryValue = string | string[] | undefined;

/**
 * `GET /api/v1/audit`'s query, validated: a 400 naming every bad parameter. `action` exact, or a prefix
 * with `.*`; `actor` a substring, any case; `since` (inclusive) / `until` (exclusive) RFC 3339; `limit`
 * 1-200 (50); `cursor` the previous page's nextCursor. An unknown parameter is a 400 too.
 */
export function parseAuditQuery(query: Record<string, QueryValue>): AuditFilter {
  const errors: FieldError[] = [];
  for (const name of Object.keys(query)) {
    if (!KNOWN.includes(name)) errors.push({ field: name, message: `unknown parameter (known: ${KNOWN.join(', ')})` });
  }
  const one = (name: string): string | undefined => {
    const value = query[name];
    if (Array.isArray(value)) {
      errors.push({ field: name, message: 'must be given once' });
      return undefined;
    }
    return value;
  };
  const filter: AuditFilter = { limit: AUDIT_DEFAULT_LIMIT };

  const action = one('action');
  if (action !== undefined) {
    if (action.length > 100 || !ACTION.test(action)) {
      errors.push({ field: 'action', message: 'must be an action (webhook.deleted) or a prefix with .* (webhook.*)' });
    } else if (action.endsWith('.*')) filter.actionPrefix = action.slice(0, -1);
    else filter.action = action;
  }
  const actor = one('actor');
  if (actor !== undefined) {
    if (actor.length === 0 || actor.length > 200)
      errors.push({ field: 'actor', message: 'must be 1 to 200 characters' });
    else if (actor.includes('\u0000') || !actor.isWellFormed()) {
      errors.push({ field: 'actor', message: 'must be well-formed text without NUL' });
    } else filter.actor = actor;
  }
  for (const bound of ['since', 'until'] as const) {
    const text = one(bound);
    if (text === undefined) continue;
    const parsed = parseTimestamp(text);
    if (typeof parsed === 'string') errors.push({ field: bound, message: parsed });
    else filter[bound] = parsed.toISOString();
  }
  if (filter.since && filter.until && filter.since >= filter.until) {
    errors.push({ field: 'until', message: 'must be after since' });
  }
  const cursor = one('cursor');
  if (cursor !== undefined) {
    const decoded = decodeCursor(cursor);
    if (decoded) filter.after = decoded;
    else errors.push({ field: 'cursor', message: 'not a cursor this API issued (use nextCursor as given)' });
  }
  const limit = one('limit');
  if (limit !== undefined) {
    const value = /^\d{1,3}$/.test(limit) ? Number(limit) : NaN;
    if (value >= 1 && value <= AUDIT_MAX_LIMIT) filter.limit = value;
    else errors.push({ field: 'limit', message: `must be a whole number from 1 to ${AUDIT_MAX_LIMIT}` });
  }
  if (errors.length > 0) throw invalidFields('invalid-query', 'Invalid query', errors);
  return filter;
}
