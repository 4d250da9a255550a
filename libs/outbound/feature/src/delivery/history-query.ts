import { QueryReader, type RawQuery } from '@daalu/platform/http';
import { globProblem } from '@daalu/shared/text';
import {
  DELIVERY_STATES,
  likePatternOfGlob,
  type DeliveryState,
  type HistoryFilter,
} from '@daalu/outbound/data-access';

/** A webhook's history page: 100 deliveries by default, at most. */
export const HISTORY_LIMIT = 100;

const KNOWN = ['status', 'type', 'since', 'until', 'eventId', 'cursor', 'limit'];

/**
 * `GET /api/v1/webhooks/:id/deliveries`'s query, validated: a 400 naming every bad parameter.
 * `status` is a comma-separated list (or given more than once); `type` a glob on the fact's type
 * (`deploy.*`, the webhooks' own glob bounds); `since`/`until` ISO 8601 on the delivery's creation;
 * `eventId` the fact's id; `cursor` the `nextCursor` of the page before; `limit` 1–100.
 */
export function parseHistoryQuery(query: RawQuery): HistoryFilter {
  const reader = new QueryReader(query, KNOWN, { repeatable: ['status'] });
  const filter: HistoryFilter = { limit: HISTORY_LIMIT };

  const states = reader.list('status');
  if (states !== undefined) {
    if (states.every((state) => (DELIVERY_STATES as readonly string[]).includes(state))) {
      filter.states = [...new Set(states)] as DeliveryState[];
    } else reader.fail('status', `must be among ${DELIVERY_STATES.join(', ')}, comma-separated`);
  }
  const type = reader.one('type');
  if (type !== undefined) {
    const problem = type.length === 0 ? 'must not be empty' : globProblem(type);
    if (problem) reader.fail('type', problem);
    else filter.typeLike = likePatternOfGlob(type);
  }
  const { since, until } = reader.timeRange();
  if (since) filter.since = since.toISOString();
  if (until) filter.until = until.toISOString();
  const eventId = reader.uuid('eventId');
  if (eventId !== undefined) filter.factId = eventId;
  const cursor = reader.cursor();
  if (cursor) filter.after = { createdAt: cursor.at, id: cursor.id };
  filter.limit = reader.limit(HISTORY_LIMIT, HISTORY_LIMIT);
  reader.done();
  return filter;
}
