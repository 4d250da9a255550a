import type { Delivery } from '@daalu/client';

export interface WebhooksSearch {
  tab: 'inbound' | 'outbound';
}

export function validateWebhooksSearch(search: Record<string, unknown>): WebhooksSearch {
  return { tab: search.tab === 'outbound' ? 'outbound' : 'inbound' };
}

export type DeliveryState = Delivery['state'];
export const DELIVERY_STATES: DeliveryState[] = ['pending', 'delivered', 'failed', 'skipped'];

/**
 * An outbound webhook's history filters, all in the URL (docs/outbound.md, "History"), so a link
 * reproduces the view and Back undoes a change. Each is kept as the API takes it: the API judges the
 * content (a bad glob, a time without offset, an id that is no UUID) and its 400 shows next to the field.
 */
export interface DeliveriesSearch {
  /** States, comma-separated as the API takes them (`failed,skipped`). */
  status?: string;
  /** The fact's type; `*` is any run of characters (`deploy.*`). */
  type?: string;
  /** ISO 8601: created at or after. */
  since?: string;
  /** ISO 8601: created before. */
  until?: string;
  /** The fact's id: every delivery of one event. */
  eventId?: string;
}

const TEXT_FIELDS = ['type', 'since', 'until', 'eventId'] as const;

/** Keeps what has the right shape; numbers and booleans (the router reads JSON) count as their text. */
export function validateDeliveriesSearch(search: Record<string, unknown>): DeliveriesSearch {
  const out: DeliveriesSearch = {};
  const status = deliveryStates(search.status);
  if (status.length) out.status = status.join(',');
  for (const name of TEXT_FIELDS) {
    const value = asText(search[name]);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** The known states of a `status` value, in their order. */
export function deliveryStates(value: unknown): DeliveryState[] {
  const given = (Array.isArray(value) ? value.join(',') : (asText(value) ?? '')).split(',').map((s) => s.trim());
  return DELIVERY_STATES.filter((s) => given.includes(s));
}

/** The filters without empty fields, in one order: a stable query key and a clean URL. */
export function cleanDeliveriesSearch(search: DeliveriesSearch): DeliveriesSearch {
  const out: DeliveriesSearch = {};
  for (const name of ['status', ...TEXT_FIELDS] as const) {
    const value = search[name]?.trim();
    if (value) out[name] = value;
  }
  return out;
}

export function hasDeliveryFilters(search: DeliveriesSearch): boolean {
  return Object.keys(cleanDeliveriesSearch(search)).length > 0;
}

/** The query of `GET /api/v1/webhooks/:id/deliveries` for these filters and a page. */
export function deliveriesParams(
  search: DeliveriesSearch,
  page: { limit?: number; cursor?: string } = {},
): Record<string, string | number> {
  const params: Record<string, string | number> = { ...cleanDeliveriesSearch(search) };
  if (page.limit) params.limit = page.limit;
  if (page.cursor) params.cursor = page.cursor;
  return params;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed ? trimmed : undefined;
}
