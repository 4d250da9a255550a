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

/** The longest single wait of any schedule. */
const MAX_STEP_MS = 15 * 60 * 1000;

/**
 * The schedule for a first step and a window: a step never longer than a quarter of the window (so a
 * short window, a test's or a webhook's own, retries too), nor 15 minutes, nor shorter than the first.
 */
export function retryScheduleOf(baseMs: number, windowMs: number): RetrySchedule {
  return { baseMs, windowMs, maxStepMs: Math.max(baseMs, Math.min(MAX_STEP_MS, windowMs / 4)) };
}

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

/**
 * How long after its window a delivery's message may still come back for its last try: the final
 * scheduled attempt is at the window's end, and a `nak` for the URL's rate limit or in-flight cap
 * puts it back a second or so later. A tenth of an hour, or the whole window when it is shorter.
 */
export function windowGraceMs(schedule: RetrySchedule): number {
  return Math.min(schedule.windowMs, 10 * 60_000);
}

/**
 * The most attempts the schedule allows in its window: every wait at its shortest (half a step, which
 * `Retry-After` cannot shorten), plus the one moved to the window's end.
 */
export function maxScheduledAttempts(schedule: RetrySchedule): number {
  let attempts = 1; // the first, at 0
  let at = 0;
  for (; ; attempts++) {
    const step = Math.min(schedule.baseMs * 2 ** (attempts - 1), schedule.maxStepMs);
    if (step >= schedule.maxStepMs) break;
    if (at + step / 2 >= schedule.windowMs) return attempts + 1;
    at += step / 2;
  }
  // From here every wait is the same: count them instead of walking them (a 7-day window of 10 ms steps).
  return attempts + Math.ceil((schedule.windowMs - at) / (schedule.maxStepMs / 2)) + 1;
}

/**
 * The most times JetStream may hand a delivery's message to a worker before the worker gives the
 * delivery up as failed. A hand-out is a scheduled attempt, or a `nak` that is not one: the URL at its
 * rate limit (after up to a second waiting in place), the URL at its in-flight cap (back after a
 * second), a transient error (database down: back after 0.5-60 s), a replica that died (after the ack
 * wait). Each of those costs at least about a second, so the margin is one hand-out per second of the
 * window and its grace, and at least 100 (a short window must not give up deliveries merely queued
 * behind a busy URL for a few seconds): a delivery is only given up this way after it went round for
 * about as long as its window allows.
 */
export function maxHandOuts(schedule: RetrySchedule): number {
  const margin = Math.max(MIN_HAND_OUT_MARGIN, Math.ceil((schedule.windowMs + windowGraceMs(schedule)) / 1000));
  return maxScheduledAttempts(schedule) + margin;
}

/** Hand-outs beyond the scheduled attempts a delivery always gets before it is given up. */
const MIN_HAND_OUT_MARGIN = 100;

/**
 * Why a delivery whose message is handed out now is given up without another attempt, or null:
 * its window (and grace) is over, or its message went round more times than the window allows. This
 * is the bound on a delivery's hand-outs, kept by the worker rather than left to the consumer's
 * `max_deliver`: a delivery JetStream stops handing out would stay `pending` for ever, with nothing
 * recorded, while one given up here is recorded `failed`. (A consumer cap, if any, must stay above
 * `maxHandOuts`, or it would cut in first.)
 */
export function giveUpReason(
  schedule: RetrySchedule,
  firstAttemptAt: number | null,
  deliveryCount: number,
  now: number,
): string | null {
  if (firstAttemptAt !== null && now > firstAttemptAt + schedule.windowMs + windowGraceMs(schedule))
    return 'retry window over';
  const most = maxHandOuts(schedule);
  if (deliveryCount > most) return `handed out ${deliveryCount} times without an outcome (at most ${most})`;
  return null;
}
