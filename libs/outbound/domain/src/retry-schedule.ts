/** When a failed delivery is tried again: exponential backoff with jitter, inside a window. */
export interface RetrySchedule {
  /** The first backoff step (ms); each further step doubles it. */
  baseMs: number;
  /** From the first attempt, how long retries go on (ms); one hour in production. */
  windowMs: number;
  /** The longest single wait (ms). */
  maxStepMs: number;
}

export const PRODUCTION_SCHEDULE: RetrySchedule = {
  baseMs: 5_000,
  windowMs: 60 * 60 * 1000,
  maxStepMs: 15 * 60 * 1000,
};

/**
 * The time of the next attempt after `attempts` failed ones (the first attempt at `firstAttemptAt`),
 * or null when the window is over: the delivery has failed.
 *  - the wait is `base * 2^(attempts-1)`, capped, with "full jitter" (a random point in [wait/2, wait]),
 *    so that receivers recovering from an outage are not hit by every sender at once;
 *  - a receiver's `Retry-After` (seconds or an HTTP date) is honoured when it falls inside the window,
 *    and never makes the wait shorter than half a step;
 *  - the last attempt may be moved to the window's end, so a delivery gets a try near the hour mark.
 */
export function nextAttemptAt(
  schedule: RetrySchedule,
  attempts: number,
  firstAttemptAt: number,
  now: number,
  retryAfter: string | undefined,
  random: () => number = Math.random,
): number | null {
  const end = firstAttemptAt + schedule.windowMs;
  if (now >= end) return null;
  const step = Math.min(schedule.baseMs * 2 ** Math.max(0, attempts - 1), schedule.maxStepMs);
  let wait = step / 2 + random() * (step / 2);
  const asked = retryAfterMs(retryAfter, now);
  if (asked !== undefined) wait = Math.max(asked, step / 2);
  const at = now + wait;
  if (at <= end) return Math.round(at);
  return asked !== undefined && asked > end - now ? null : end;
}

/** `Retry-After` as ms from now: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
