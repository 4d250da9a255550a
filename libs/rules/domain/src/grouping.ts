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
 * "At least N matches within W": the matches still inside the window ending at `latest`'s time, with
 * `latest` added last, at most N kept (older ones can never count again). The rule fires when it holds N.
 */
export function slideWindow<T extends { time: number }>(
  entries: readonly T[],
  latest: T,
  windowMs: number,
  count: number,
): T[] {
  const kept = entries.filter((entry) => entry.time > latest.time - windowMs);
  kept.push(latest);
  return kept.length > count ? kept.slice(kept.length - count) : kept;
}

/** What a silent group's alert summary can say about it: the group's value in the groupBy field, nothing else. */
export function eventOfGroup(groupBy: string | undefined, group: string): EventView {
  const event: EventView = { type: '', module: '', source: '', severity: 'info', summary: '', payload: {} };
  if (!groupBy || group === '') return event;
  if (groupBy === 'type' || groupBy === 'module' || groupBy === 'source') return { ...event, [groupBy]: group };
  const path = groupBy.slice('payload.'.length).split('.');
  const payload = path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), group) as Record<string, unknown>;
  return { ...event, payload };
}
