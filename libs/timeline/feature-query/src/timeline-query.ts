import { invalidFields, QueryReader, type KeysetCursor } from '@daalu/platform/http';
import {
  DEFAULT_LIMIT,
  MAX_LIMIT,
  parseTimelineFilter,
  type QueryValue,
  type TimelineFilter,
} from '@daalu/timeline/domain';

export interface ListQuery {
  filter: TimelineFilter;
  limit: number;
  cursor?: KeysetCursor;
}

const PAGING = ['limit', 'cursor'];

/** The list endpoint's query string, validated: a 400 naming every bad parameter. */
export function parseListQuery(query: Record<string, QueryValue>): ListQuery {
  // The filters (and unknown parameters) are the domain's; the page, the one QueryReader of every list.
  const { filter, errors } = parseTimelineFilter(query, PAGING);
  // A parameter already named (it held a NUL or a lone surrogate) is not judged again.
  const named = new Set(errors.map((error) => error.field));
  const paging = new QueryReader(
    Object.fromEntries(PAGING.filter((name) => !named.has(name)).map((name) => [name, query[name]])),
    PAGING,
  );
  const limit = paging.limit(DEFAULT_LIMIT, MAX_LIMIT);
  const cursor = paging.cursor();
  errors.push(...paging.problems);
  if (errors.length > 0) throw invalidFields('invalid-query', 'Invalid query', errors);
  return { filter, limit, cursor };
}

/** The stream endpoint's query string: the same filters, nothing else. */
export function parseStreamQuery(query: Record<string, QueryValue>): TimelineFilter {
  const { filter, errors } = parseTimelineFilter(query);
  if (errors.length > 0) throw invalidFields('invalid-query', 'Invalid query', errors);
  return filter;
}
