import type { operations, Severity } from '@daalu/client';

/**
 * The timeline's filters, all in the URL, so a link reproduces the view and Back undoes a change.
 * Every field is optional (the nav link passes `{}`). Each is kept as the API takes it (docs/timeline.md):
 * the API judges the content (a bad type, a time without offset) and its 400 shows next to the field.
 */
export interface TimelineSearch {
  /** An exact type, or a prefix ending in `*` (`deploy.*`). */
  type?: string;
  module?: string;
  source?: string;
  /** One or more of info, warning, critical, comma-separated as the API takes them (`warning,critical`). */
  severity?: string;
  /** ISO 8601 (the Alerts page links with `since` and `until`): received at or after it. */
  since?: string;
  /** ISO 8601: received before it. */
  until?: string;
  /** Text the summary contains. */
  q?: string;
  /** One payload condition, `payload.<payloadPath>=<payloadValue>` for the API. */
  payloadPath?: string;
  payloadValue?: string;
}

export const SEVERITIES: Severity[] = ['info', 'warning', 'critical'];

const TEXT_FIELDS = ['type', 'module', 'source', 'since', 'until', 'q', 'payloadPath', 'payloadValue'] as const;

/**
 * Keeps what has the right shape. The router reads search values as JSON when they parse (`q=93` is the
 * number 93, `payloadValue=true` a boolean), so numbers and booleans count as their text.
 */
export function validateTimelineSearch(search: Record<string, unknown>): TimelineSearch {
  const out: TimelineSearch = {};
  for (const name of TEXT_FIELDS) {
    const value = asText(search[name]);
    if (value !== undefined) out[name] = value;
  }
  const severity = severities(search.severity);
  if (severity.length) out.severity = severity.join(',');
  return cleanSearch(out);
}

/** The severities of a `severity` value, known ones only, in their order (info, warning, critical). */
export function severities(value: unknown): Severity[] {
  const given = (Array.isArray(value) ? value.join(',') : (asText(value) ?? '')).split(',').map((s) => s.trim());
  return SEVERITIES.filter((s) => given.includes(s));
}

/** The filters without empty fields, in one order: a stable key for "these filters" and a clean URL. */
export function cleanSearch(search: TimelineSearch): TimelineSearch {
  const out: TimelineSearch = {};
  for (const name of [...TEXT_FIELDS, 'severity'] as const) {
    const value = search[name];
    if (value !== undefined && value !== '') out[name] = value;
  }
  // A value with no path is still a condition (on the path ""), so the API names what is missing.
  if (out.payloadValue !== undefined && out.payloadPath === undefined) out.payloadPath = '';
  return out;
}

export function hasFilters(search: TimelineSearch): boolean {
  return Object.keys(cleanSearch(search)).length > 0;
}

/** The query of `GET /api/v1/events`, with the payload condition (`payload.<path>=<value>`) the document leaves out. */
export type EventsParams = NonNullable<operations['events_list']['parameters']['query']> &
  Record<`payload.${string}`, string>;

/** The query of `GET /api/v1/events` for these filters (and a page: `limit`, `cursor`). */
export function eventsParams(search: TimelineSearch, page: { limit?: number; cursor?: string } = {}): EventsParams {
  const params: EventsParams = {};
  const { payloadPath, payloadValue, ...rest } = cleanSearch(search);
  for (const [name, value] of Object.entries(rest)) if (value) params[name as keyof typeof rest] = value;
  if (payloadPath !== undefined) params[`payload.${payloadPath}`] = payloadValue ?? '';
  if (page.limit) params.limit = page.limit;
  if (page.cursor) params.cursor = page.cursor;
  return params;
}

/** The query string of the live stream, `GET /api/v1/events/stream`, for these filters. */
export function eventsQuery(search: TimelineSearch): string {
  const text = new URLSearchParams(eventsParams(search) as Record<string, string>).toString();
  return text ? `?${text}` : '';
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed ? trimmed : undefined;
}
