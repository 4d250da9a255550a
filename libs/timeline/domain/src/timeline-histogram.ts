import type { FieldError, TimelineFilter } from './timeline-filter';

/** The bucket sizes a histogram may take, smallest first (seconds): 1 min, 5 min, 15 min, 1 h, 3 h, 6 h, 1 day. */
export const HISTOGRAM_BUCKET_SECONDS = [60, 300, 900, 3600, 10_800, 21_600, 86_400] as const;

/** A histogram has at most this many buckets (what a chart a few hundred pixels wide draws well). */
export const MAX_HISTOGRAM_BUCKETS = 120;

/** The longest range a histogram covers: 31 days (a month, whatever the month). */
export const MAX_HISTOGRAM_RANGE_MS = 31 * 86_400_000;

/** The range when `since` or `until` is absent: `until` is now, `since` an hour before `until`. */
export const DEFAULT_HISTOGRAM_RANGE_MS = 3_600_000;

/** One bucket of a histogram: entries recorded in [at, at + bucketSeconds), by severity. */
export interface HistogramBucket {
  /** The bucket's start, a multiple of its size since the epoch (ISO 8601, UTC). */
  at: string;
  /** Entries of every severity. */
  count: number;
  warning: number;
  critical: number;
}

/** What `GET /api/v1/events/histogram` answers. */
export interface TimelineHistogram {
  bucketSeconds: number;
  /** The range counted, as given or defaulted (ISO 8601, UTC): `since` inclusive, `until` exclusive. */
  since: string;
  until: string;
  /** Every bucket from the one holding `since` to the one holding the last instant before `until`, oldest first. */
  buckets: HistogramBucket[];
}

/**
 * The histogram's range: `since` and `until` as given; when `until` is absent it is `now`, and when
 * `since` is absent it is an hour before `until`. Refused (naming the field): `since` not before
 * `until`, and a range longer than 31 days. Filters that already failed to parse are not judged again.
 */
export function histogramRange(
  filter: TimelineFilter,
  now: Date,
  alreadyWrong: ReadonlySet<string> = new Set(),
): { since: Date; until: Date } | FieldError {
  const until = filter.until ?? now;
  const since = filter.since ?? new Date(until.getTime() - DEFAULT_HISTOGRAM_RANGE_MS);
  if (alreadyWrong.has('since') || alreadyWrong.has('until')) return { since, until };
  if (since.getTime() >= until.getTime()) {
    return filter.until
      ? { field: 'until', message: 'must be after since' }
      : { field: 'since', message: 'must be in the past (until is now when absent)' };
  }
  if (until.getTime() - since.getTime() > MAX_HISTOGRAM_RANGE_MS) {
    // Only a `since` given can make it so long (without one, the range is an hour).
    return { field: 'since', message: 'must be at most 31 days before until (until is now when absent)' };
  }
  return { since, until };
}

/** How many epoch-aligned buckets of `seconds` the range [since, until) touches. */
export function bucketsSpanned(since: Date, until: Date, seconds: number): number {
  const size = seconds * 1000;
  return Math.floor((until.getTime() - 1) / size) - Math.floor(since.getTime() / size) + 1;
}

/**
 * The smallest bucket size (of HISTOGRAM_BUCKET_SECONDS) whose epoch-aligned buckets over [since, until)
 * are at most MAX_HISTOGRAM_BUCKETS; the largest size when none is (a range histogramRange refuses).
 */
export function histogramBucketSeconds(since: Date, until: Date): number {
  for (const seconds of HISTOGRAM_BUCKET_SECONDS) {
    if (bucketsSpanned(since, until, seconds) <= MAX_HISTOGRAM_BUCKETS) return seconds;
  }
  return HISTOGRAM_BUCKET_SECONDS[HISTOGRAM_BUCKET_SECONDS.length - 1];
}

/**
 * Every bucket of the range, oldest first, with the counts found (keyed by the bucket's start, epoch
 * seconds) and zeros where nothing was: a chart gets one point per bucket, gaps drawn as zero.
 */
export function fillHistogram(
  since: Date,
  until: Date,
  bucketSeconds: number,
  found: ReadonlyArray<{ at: number; count: number; warning: number; critical: number }>,
): HistogramBucket[] {
  const byStart = new Map(found.map((row) => [row.at, row]));
  const first = Math.floor(since.getTime() / 1000 / bucketSeconds) * bucketSeconds;
  const buckets: HistogramBucket[] = [];
  for (let at = first; at * 1000 < until.getTime(); at += bucketSeconds) {
    const row = byStart.get(at);
    buckets.push({
      at: new Date(at * 1000).toISOString(),
      count: row?.count ?? 0,
      warning: row?.warning ?? 0,
      critical: row?.critical ?? 0,
    });
  }
  return buckets;
}
