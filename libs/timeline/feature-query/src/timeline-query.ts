import { invalidFields, QueryReader, type KeysetCursor } from '@daalu/platform/http';
import {
  DEFAULT_LIMIT,
  histogramBucketSeconds,
  histogramRange,
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

export interface HistogramQuery {
  filter: TimelineFilter;
  range: { since: Date; until: Date };
  bucketSeconds: number;
}

/**
 * The histogram's query string: the list's filters (no paging), the range defaulted (until now, since an
 * hour before) and at most 31 days long, and the bucket size it gives. A 400 naming every bad parameter.
 */
export function parseHistogramQuery(query: Record<string, QueryValue>, now = new Date()): HistogramQuery {
  const { filter, errors } = parseTimelineFilter(query);
  const range = histogramRange(filter, now, new Set(errors.map((error) => error.field)));
  if ('field' in range) errors.push(range);
  if (errors.length > 0 || 'field' in range) throw invalidFields('invalid-query', 'Invalid query', errors);
  return { filter, range, bucketSeconds: histogramBucketSeconds(range.since, range.until) };
}
