import { fieldOf, type EventView } from './event-view';

/** Where an alert's dedup key is read from the event that fires it, unless its rule names another field. */
export const DEFAULT_DEDUP_FIELD = 'payload.dedupKey';

/** The fields a rule may take the dedup key from: `payload.<path>`. */
export const DEDUP_FIELD_PATTERN = /^payload\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Longest dedup key kept: a longer value is no key (it is not what a sender would send back). */
const MAX_KEY_LENGTH = 255;

/** The event's dedup key at `field`: a string of 1-255 characters or a finite number, else null. */
export function dedupKeyOf(field: string | undefined, event: EventView): string | null {
  const value = fieldOf(event, field ?? DEFAULT_DEDUP_FIELD);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_KEY_LENGTH ? value : null;
}

/**
 * A sender's "resolve what I raised" (PagerDuty's `event_action: resolve`): `payload.eventAction` is
 * `resolve`. Such an event resolves the firing alerts whose dedup key it carries, and fires nothing.
 */
export function isResolveRequest(event: EventView): boolean {
  return fieldOf(event, 'payload.eventAction') === 'resolve';
}
