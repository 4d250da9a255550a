import { Cron } from 'croner';

/** How a check expects its pings: every N seconds, or at the times of a cron schedule in a time zone. */
export interface CheckTiming {
  everySeconds?: number;
  /** Five fields: minute hour day-of-month month day-of-week. */
  schedule?: string;
  /** An IANA zone (`Europe/Berlin`); UTC when absent. */
  timezone?: string;
  graceSeconds?: number;
}

/** Event type suffixes that are signals of a check rather than its success ping. */
const FAIL_SUFFIX = '.failed';
const START_SUFFIX = '.started';

/** Memoised expected times per rule: the clock asks every second for the same last pings. */
const MEMO_LIMIT = 10_000;

/** Why a cron schedule or time zone is refused, or null when it is fine (the API's words). */
export function scheduleProblem(schedule: string, timezone: string | undefined): { field: string; message: string } | null {
  if (timezone !== undefined && !isTimeZone(timezone))
    return { field: 'timezone', message: `timezone ${timezone} is not an IANA time zone (such as Europe/Berlin)` };
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5 && !/^@(yearly|annually|monthly|weekly|daily|hourly)$/.test(schedule.trim()))
    return { field: 'schedule', message: 'schedule must be a cron expression of 5 fields (minute hour day month weekday) or @hourly, @daily, @weekly, @monthly, @yearly' };
  let cron: Cron;
  try {
    cron = new Cron(schedule, { timezone, paused: true });
  } catch (error) {
    return { field: 'schedule', message: `schedule is not a valid cron expression: ${(error as Error).message}` };
  }
  // `0 0 30 2 *` parses, yet never comes: a check on it could never be late.
  if (!cron.nextRun(new Date(Date.UTC(2000, 0, 1))) || cron.nextRuns(2).length < 2)
    return { field: 'schedule', message: 'schedule never fires' };
  return null;
}

export function isTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * When a check's next ping is due after one at `since`, and when it is down without one (that + grace).
 * A cron check is due at the schedule's first time after the ping, in its zone: across a DST change
 * "09:00 in Berlin" moves by an hour in UTC, as the job's own cron does.
 */
export class CheckSchedule {
  private readonly cron: Cron | null;
  private readonly everyMs: number;
  readonly graceMs: number;
  private readonly memo = new Map<number, number>();

  constructor(timing: CheckTiming) {
    this.cron = timing.schedule ? new Cron(timing.schedule, { timezone: timing.timezone, paused: true }) : null;
    this.everyMs = (timing.everySeconds ?? 0) * 1000;
    this.graceMs = (timing.graceSeconds ?? 0) * 1000;
  }

  /** The time the next ping is expected, after one (or the check's start) at `since`. */
  expectedAfter(since: number): number {
    if (!this.cron) return since + this.everyMs;
    let expected = this.memo.get(since);
    if (expected === undefined) {
      // A schedule that never comes again is refused when saved; Infinity keeps such a check up.
      expected = this.cron.nextRun(new Date(since))?.getTime() ?? Infinity;
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      this.memo.set(since, expected);
    }
    return expected;
  }

  /** When the check is down without a ping after `since`. */
  deadlineAfter(since: number): number {
    return this.expectedAfter(since) + this.graceMs;
  }
}

/**
 * Which signal an event is for a check whose type it carries with a suffix: `<type>.failed` a failure,
 * `<type>.started` the start of a run; null for any other type. The base type is what the check matches.
 */
export function checkSignalOf(type: string): { base: string; kind: 'fail' | 'start' } | null {
  if (type.endsWith(FAIL_SUFFIX) && type.length > FAIL_SUFFIX.length)
    return { base: type.slice(0, -FAIL_SUFFIX.length), kind: 'fail' };
  if (type.endsWith(START_SUFFIX) && type.length > START_SUFFIX.length)
    return { base: type.slice(0, -START_SUFFIX.length), kind: 'start' };
  return null;
}
