import { parseTimelineFilter } from './timeline-filter';
import {
  bucketsSpanned,
  fillHistogram,
  histogramBucketSeconds,
  histogramRange,
  MAX_HISTOGRAM_BUCKETS,
} from './timeline-histogram';

const t = (iso: string) => new Date(iso);
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe('histogramRange', () => {
  const now = t('2026-11-27T14:30:00.000Z');
  const range = (query: Record<string, string>) => {
    const { filter, errors } = parseTimelineFilter(query);
    return histogramRange(filter, now, new Set(errors.map((e) => e.field)));
  };

  it('defaults until to now and since to an hour before until', () => {
    expect(range({})).toEqual({ since: t('2026-11-27T13:30:00.000Z'), until: now });
    expect(range({ until: '2026-11-20T00:00:00Z' })).toEqual({
      since: t('2026-11-19T23:00:00Z'),
      until: t('2026-11-20T00:00:00Z'),
    });
    expect(range({ since: '2026-11-27T00:00:00Z' })).toEqual({ since: t('2026-11-27T00:00:00Z'), until: now });
  });

  it('takes a range of 31 days, and refuses a longer one naming since', () => {
    expect(range({ since: '2026-10-01T00:00:00Z', until: '2026-11-01T00:00:00Z' })).toEqual({
      since: t('2026-10-01T00:00:00Z'),
      until: t('2026-11-01T00:00:00Z'),
    });
    expect(range({ since: '2026-10-01T00:00:00Z', until: '2026-11-01T00:00:00.001Z' })).toMatchObject({
      field: 'since',
    });
    expect(range({ since: '2026-10-27T14:29:59.999Z' })).toMatchObject({ field: 'since' });
  });

  it('refuses a since in the future when until is now, and leaves to the filter a since after until', () => {
    expect(range({ since: '2026-11-27T14:30:00.000Z' })).toMatchObject({ field: 'since' });
    // parseTimelineFilter names `until` already; the range does not name it twice.
    expect(range({ since: '2026-11-28T00:00:00Z', until: '2026-11-27T00:00:00Z' })).not.toHaveProperty('field');
  });
});

describe('histogramBucketSeconds', () => {
  const from = t('2026-11-27T00:00:00Z');
  const size = (ms: number, start = from) => histogramBucketSeconds(start, new Date(start.getTime() + ms));

  it('takes the smallest size giving at most 120 epoch-aligned buckets', () => {
    expect(size(HOUR)).toBe(60);
    expect(size(2 * HOUR)).toBe(60); // 120 whole minutes
    expect(size(2 * HOUR, t('2026-11-27T00:00:30Z'))).toBe(300); // 121 minutes touched
    expect(size(2 * HOUR + 1)).toBe(300);
    expect(size(10 * HOUR)).toBe(300);
    expect(size(30 * HOUR)).toBe(900);
    expect(size(5 * DAY)).toBe(3600);
    expect(size(15 * DAY)).toBe(10_800);
    expect(size(30 * DAY)).toBe(21_600);
    expect(size(31 * DAY)).toBe(86_400);
  });

  it('never gives more than 120 buckets for a range the API takes', () => {
    for (let ms = 60_000; ms <= 31 * DAY; ms = Math.ceil(ms * 1.37)) {
      for (const offset of [0, 1, 59_999, 1_234_567]) {
        const since = new Date(from.getTime() + offset);
        const until = new Date(since.getTime() + ms);
        expect(bucketsSpanned(since, until, histogramBucketSeconds(since, until))).toBeLessThanOrEqual(
          MAX_HISTOGRAM_BUCKETS,
        );
      }
    }
  });
});

describe('fillHistogram', () => {
  it('gives every bucket from the one holding since to the one before until, zeros where nothing was', () => {
    const since = t('2026-11-27T10:02:30Z');
    const until = t('2026-11-27T10:05:00Z');
    const start = Date.parse('2026-11-27T10:03:00Z') / 1000;
    expect(fillHistogram(since, until, 60, [{ at: start, count: 3, warning: 1, critical: 2 }])).toEqual([
      { at: '2026-11-27T10:02:00.000Z', count: 0, warning: 0, critical: 0 },
      { at: '2026-11-27T10:03:00.000Z', count: 3, warning: 1, critical: 2 },
      { at: '2026-11-27T10:04:00.000Z', count: 0, warning: 0, critical: 0 },
    ]);
    expect(fillHistogram(since, t('2026-11-27T10:05:00.001Z'), 60, [])).toHaveLength(4);
  });
});
