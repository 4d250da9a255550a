import { decodeCursor, invalidFields, type KeysetCursor } from '@daalu/platform/http';
import {
  DEFAULT_LIMIT,
  parseLimit,
  parseTimelineFilter,
  type QueryValue,
  type TimelineFilter,
} from '@daalu/timeline/domain';

export interface ListQuery {
  filter: TimelineFilter;
  limit: number;
  cursor?: KeysetCursor;
}

/** The list endpoint's query string, validated: a 400 naming every bad parameter. */
export function parseListQuery(query: Record<string, QueryValue>): ListQuery {
  const { filter, errors } = parseTimelineFilter(query, ['limit', 'cursor']);
  // A parameter already named (it held a NUL or a lone surrogate) is not judged again.
  const named = new Set(errors.map((error) => error.field));
  const limit = named.has('limit') ? DEFAULT_LIMIT : parseLimit(query.limit, errors);
  let cursor: KeysetCursor | undefined;
  if (query.cursor !== undefined && !named.has('cursor')) {
    cursor = typeof query.cursor === 'string' ? decodeCursor(query.cursor) : undefined;
    if (!cursor) errors.push({ field: 'cursor', message: 'not a cursor this API issued (use nextCursor as given)' });
  }
  if (errors.length > 0) throw invalidFields('invalid-query', 'Invalid query', errors);
  return { filter, limit, cursor };
}

/** The stream endpoint's query string: the same filters, nothing else. */
export function parseStreamQuery(query: Record<string, QueryValue>): TimelineFilter {
  const { filter, errors } = parseTimelineFilter(query);
  if (errors.length > 0) throw invalidFields('invalid-query', 'Invalid query', errors);
  return filter;
}
