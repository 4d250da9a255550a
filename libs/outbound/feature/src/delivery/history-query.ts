import { decodeCursor, invalidFields, type FieldError } from '@daalu/platform/http';
import { globProblem, parseTimestamp } from '@daalu/shared/text';
import {
  DELIVERY_STATES,
  likePatternOfGlob,
  type DeliveryState,
  type HistoryFilter,
} from '@daalu/outbound/data-access';

/** A webhook's history page: 100 deliveries by default, at most. */
export const HISTORY_LIMIT = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KNOWN = new Set(['status', 'type', 'since', 'until', 'eventId', 'cursor', 'limit']);

type QueryValue = string | string[] | undefined;

/**
 * `GET /api/v1/webhooks/:id/deliveries`'s query, validated: a 400 naming every bad parameter.
 * `status` is a comma-separated list (or given more than once); `type` a glob on the fact's type
 * (`deploy.*`, the webhooks' own glob bounds); `since`/`until` ISO 8601 on the delivery's creation;
 * `eventId` the fact's id; `cursor` the `nextCursor` of the page before; `limit` 1–100.
 */
export function parseHistoryQuery(query: Record<string, QueryValue>): HistoryFilter {
  const errors: FieldError[] = [];
  const one = (name: string): string | undefined => {
    const value = query[name];
    if (Array.isArray(value)) {
      errors.push({ field: name, message: 'must be given once' });
      return undefined;
    }
    return value;
  };
  for (const name of Object.keys(query)) {
    if (!KNOWN.has(name)) errors.push({ field: name, message: `unknown parameter (known: ${[...KNOWN].join(', ')})` });
  }
  const filter: HistoryFilter = { limit: HISTORY_LIMIT };

  const status = query.status;
  if (status !== undefined) {
    const states = (Array.isArray(status) ? status : [status]).flatMap((value) => value.split(','));
    const unknown = states.filter((state) => !(DELIVERY_STATES as readonly string[]).includes(state));
    if (unknown.length > 0 || states.length === 0) {
      errors.push({ field: 'status', message: `must be among ${DELIVERY_STATES.join(', ')}, comma-separated` });
    } else filter.states = [...new Set(states)] as DeliveryState[];
  }
  const type = one('type');
  if (type !== undefined) {
    const problem = type.length === 0 ? 'must not be empty' : globProblem(type);
    if (problem) errors.push({ field: 'type', message: problem });
    else filter.typeLike = likePatternOfGlob(type);
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
  const eventId = one('eventId');
  if (eventId !== undefined) {
    if (UUID.test(eventId)) filter.factId = eventId.toLowerCase();
    else errors.push({ field: 'eventId', message: 'must be a UUID' });
  }
  const cursor = one('cursor');
  if (cursor !== undefined) {
    const decoded = decodeCursor(cursor);
    if (decoded) filter.after = { createdAt: decoded.at, id: decoded.id };
    else errors.push({ field: 'cursor', message: 'not a cursor this API issued (use nextCursor as given)' });
  }
  const limit = one('limit');
  if (limit !== undefined) {
    const value = /^\d{1,3}$/.test(limit) ? Number(limit) : NaN;
    if (value >= 1 && value <= HISTORY_LIMIT) filter.limit = value;
    else errors.push({ field: 'limit', message: `must be a whole number from 1 to ${HISTORY_LIMIT}` });
  }
  if (errors.length > 0) throw invalidFields('invalid-query', 'Invalid query', errors);
  return filter;
}
