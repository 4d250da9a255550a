import { QueryReader, type RawQuery } from '@daalu/platform/http';
import type { AuditFilter } from '@daalu/audit/data-access';

export const AUDIT_DEFAULT_LIMIT = 50;
export const AUDIT_MAX_LIMIT = 200;

const KNOWN = ['action', 'actor', 'since', 'until', 'limit', 'cursor'];
/** An action (`webhook.secret-revealed`), or a prefix of one followed by `.*` (`webhook.*`). */
const ACTION = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*(\.\*)?$/;

/**
 * `GET /api/v1/audit`'s query, validated: a 400 naming every bad parameter. `action` exact, or a prefix
 * with `.*`; `actor` a substring, any case; `since` (inclusive) / `until` (exclusive) RFC 3339; `limit`
 * 1-200 (50); `cursor` the previous page's nextCursor. An unknown parameter is a 400 too.
 */
export function parseAuditQuery(query: RawQuery): AuditFilter {
  const reader = new QueryReader(query, KNOWN);
  const filter: AuditFilter = { limit: reader.limit(AUDIT_DEFAULT_LIMIT, AUDIT_MAX_LIMIT) };

  const action = reader.one('action');
  if (action !== undefined) {
    if (action.length > 100 || !ACTION.test(action)) {
      reader.fail('action', 'must be an action (webhook.deleted) or a prefix with .* (webhook.*)');
    } else if (action.endsWith('.*')) filter.actionPrefix = action.slice(0, -1);
    else filter.action = action;
  }
  const actor = reader.text('actor', 200);
  if (actor !== undefined) filter.actor = actor;
  const { since, until } = reader.timeRange();
  if (since) filter.since = since.toISOString();
  if (until) filter.until = until.toISOString();
  const after = reader.cursor();
  if (after) filter.after = after;
  reader.done();
  return filter;
}
