import { fieldOf, type EventView } from './event-view';

/** The fields a rule may group its alerts by. */
export const GROUP_BY_PATTERN = /^(type|module|source|payload\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*)$/;

/** The group an event falls in for a rule: the value of its groupBy field ('' without groupBy or value). */
export function groupKey(groupBy: string | undefined, event: EventView): string {
  if (!groupBy) return '';
  const value = fieldOf(event, groupBy);
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * "At least N matches within W": the match times (ms) still inside the window ending at `now`, newest
 * last, at most N kept (older ones can never count again). Fires when it holds N.
 */
export function slideWindow(times: readonly number[], now: number, windowMs: number, count: number): number[] {
  const kept = times.filter((time) => time > now - windowMs);
  kept.push(now);
  return kept.length > count ? kept.slice(kept.length - count) : kept;
}
