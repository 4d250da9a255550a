/**
 * Timestamps in query parameters (`since`, `until`): ISO 8601, checked so that PostgreSQL takes them
 * (a bad one is a 400 naming the parameter, never a 500 from the database).
 */
/** A UTC date, or a date-time with its offset (`Z` or `±hh:mm`): never the server's local time. */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** The instants PostgreSQL's timestamptz and JavaScript's Date both hold (PostgreSQL has no year 0). */
export const EARLIEST_TIMESTAMP = Date.parse('0001-01-01T00:00:00Z');
export const LATEST_TIMESTAMP = Date.parse('9999-12-31T23:59:59.999Z');
const TIMESTAMP_FORMAT =
  'must be an ISO 8601 date (UTC) or date-time with an offset, e.g. 2026-11-27T14:30:00Z, and a day on the calendar';

/**
 * `since`/`until` as a Date, or why not (for the 400): the format, a day that is on the calendar (Date
 * would roll 2026-02-30 over to March 2), and an instant from 0001-01-01 to 9999-12-31 UTC once its
 * offset is applied: PostgreSQL refuses year 0 (`0000-01-01`, or `0001-01-01T00:30+01:00`) and years past
 * 9999 in the form it is sent, and either would be a 500 there.
 */
export function parseTimestamp(value: string): Date | string {
  const match = ISO_DATE_TIME.exec(value);
  if (!match) return TIMESTAMP_FORMAT;
  const [year, month, day] = [match[1], match[2], match[3]].map(Number);
  if (!isCalendarDay(year, month, day)) return TIMESTAMP_FORMAT;
  const time = new Date(value).getTime();
  if (Number.isNaN(time)) return TIMESTAMP_FORMAT;
  if (time < EARLIEST_TIMESTAMP || time > LATEST_TIMESTAMP) {
    return 'must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z';
  }
  return new Date(time);
}

/** Whether the day exists on the (proleptic Gregorian) calendar: month 1-12, day within its month. */
function isCalendarDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}
