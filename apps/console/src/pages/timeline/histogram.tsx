import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { Schema } from '@daalu/client';
import { ApiError, daalu, data } from '../../api/client';
import { BarChart } from '../../ui/bar-chart';
import { useThrottled } from '../../ui/live-updates';
import { Loading } from '../../ui/states';
import { eventsParams, type TimelineSearch } from './search';

/** `GET /api/v1/events/histogram` (docs/timeline.md): entries per bucket, by severity, empty buckets as zeros. */
export type TimelineHistogram = Schema<'TimelineHistogram'>;

/** Without a start in the filters, the chart covers this much before the end (the list: everything). */
export const DEFAULT_SPAN_MS = 24 * 3_600_000;
/** Live entries refresh the chart at most this often. */
const REFRESH_MS = 5_000;

const histogramKey = (filters: TimelineSearch) => ['timeline', 'histogram', filters] as const;

/**
 * The range the chart counts: the filters' since and until, else the day up to until (or now). Worked
 * out at each read, so without an end the chart slides with the clock.
 */
export function chartRange(filters: TimelineSearch, now = Date.now()): { since: string; until?: string } {
  if (filters.since) return { since: filters.since, ...(filters.until && { until: filters.until }) };
  const end = filters.until ? Date.parse(filters.until) : now;
  const since = new Date((Number.isNaN(end) ? now : end) - DEFAULT_SPAN_MS).toISOString();
  return { since, ...(filters.until && { until: filters.until }) };
}

function readHistogram(filters: TimelineSearch, signal: AbortSignal): Promise<TimelineHistogram> {
  const query = eventsParams({ ...filters, ...chartRange(filters) });
  return data(daalu.GET('/api/v1/events/histogram', { params: { query }, signal }));
}

/** Reads the chart again when live entries arrive: at most every REFRESH_MS, however many arrive. */
export function useHistogramRefresh(filters: TimelineSearch): () => void {
  const queryClient = useQueryClient();
  return useThrottled(() => void queryClient.invalidateQueries({ queryKey: histogramKey(filters), exact: true }), {
    everyMs: REFRESH_MS,
  });
}

/**
 * Entries per bucket over the range, above the list, stacked by severity. A bar (or, by keyboard, a
 * row of the table under it) narrows the view to its bucket: since and until go in the URL, so Back
 * widens it again. Hidden when the list refused the filters (their errors show by the fields).
 */
export function TimelineHistogramChart({
  filters,
  onNarrow,
}: {
  filters: TimelineSearch;
  onNarrow: (range: { since: string; until: string }) => void;
}) {
  const histogram = useQuery({
    queryKey: histogramKey(filters),
    queryFn: ({ signal }) => readHistogram(filters, signal),
    placeholderData: keepPreviousData,
    refetchOnWindowFocus: false,
    // A refusal of the filters will not get better by asking again; a timeout may.
    retry: false,
  });

  if (histogram.isPending) return <Loading what="the chart" />;
  if (histogram.isError) return <ChartNote error={histogram.error} />;
  const { bucketSeconds, buckets } = histogram.data;
  if (histogram.isPlaceholderData && buckets.length === 0) return <Loading what="the chart" />;
  const bucketMs = bucketSeconds * 1000;
  const starts = buckets.map((b) => Date.parse(b.at));
  const rangeStart = Date.parse(histogram.data.since);
  const rangeEnd = Date.parse(histogram.data.until);
  // Each bucket as its own range, clipped to the chart's (the first and last may be partial).
  const rangeOf = (i: number) => ({
    since: new Date(Math.max(starts[i], rangeStart)).toISOString(),
    until: new Date(Math.min(starts[i] + bucketMs, rangeEnd)).toISOString(),
  });
  const format = timeFormat(bucketSeconds, rangeEnd - rangeStart);
  const span = (i: number) => `${format.format(starts[i])} – ${format.format(starts[i] + bucketMs)}`;
  const total = buckets.reduce((n, b) => n + b.count, 0);
  const busy = buckets.map((b, i) => ({ ...b, i })).filter((b) => b.count > 0);
  const per = bucketWords(bucketSeconds);
  const ranged = !!(filters.since || filters.until);

  return (
    <section className="timeline-chart" aria-labelledby="timeline-chart-title">
      <div className="timeline-chart-head">
        <h2 id="timeline-chart-title">
          {ranged ? 'Entries in this range' : 'Entries, last 24 hours'}, per {per}
        </h2>
        {ranged && (
          <Link
            to="/timeline"
            search={{ ...filters, since: undefined, until: undefined }}
            className="button secondary small"
          >
            Any time
          </Link>
        )}
      </div>
      <p className="help" data-testid="chart-summary">
        {summaryOf(total, busy, span, histogram.data, format)}
      </p>
      <BarChart
        label={`Entries per ${per}, stacked by severity`}
        starts={starts}
        bucketMs={bucketMs}
        bars={[
          { label: 'Info', values: buckets.map((b) => b.count - b.warning - b.critical), color: '--chart-info' },
          { label: 'Warning', values: buckets.map((b) => b.warning), color: '--warn' },
          { label: 'Critical', values: buckets.map((b) => b.critical), color: '--danger', hatch: true },
        ]}
        height={140}
        onSelect={(i) => onNarrow(rangeOf(i))}
        describe={(i) => `${span(i)}: ${countWords(buckets[i])}. Click to show only these.`}
        hint="Point at a bar for its numbers; click it to show only its entries."
      />
      {busy.length > 0 && (
        <details className="chart-details">
          <summary>As a table: the {busy.length === 1 ? 'one time' : `${busy.length} times`} with entries</summary>
          <div className="chart-table-wrap">
            <table className="chart-table table-stack">
              <caption className="visually-hidden">Entries per {per}; a time shows only its entries</caption>
              <thead>
                <tr>
                  <th scope="col">From</th>
                  <th scope="col">Entries</th>
                  <th scope="col">Warning</th>
                  <th scope="col">Critical</th>
                </tr>
              </thead>
              <tbody>
                {busy.map((b) => (
                  <tr key={b.at}>
                    <th scope="row">
                      <button type="button" className="link-button" onClick={() => onNarrow(rangeOf(b.i))}>
                        <span className="visually-hidden">Show only </span>
                        {span(b.i)}
                      </button>
                    </th>
                    <td data-label="Entries">{b.count}</td>
                    <td data-label="Warning">{b.warning}</td>
                    <td data-label="Critical">{b.critical}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </section>
  );
}

/** Why there is no chart, in words (not an alert: the list under it still works). */
function ChartNote({ error }: { error: unknown }) {
  const apiError = error instanceof ApiError ? error : null;
  // A filter refused (the list is refused too): the form says why, by the field.
  if (apiError?.status === 400 && apiError.fields.some((f) => f.field !== 'since' && f.field !== 'until')) return null;
  // The list took these filters (else the page hides the chart): the range is what the chart refused.
  const range = apiError?.status === 400 ? (apiError.forField('since')[0] ?? apiError.detail) : null;
  return (
    <p className="help timeline-chart-note">
      {apiError?.status === 400
        ? `No chart for this range (${range ?? apiError.title}): narrow From or Until, under More filters.`
        : apiError?.is('query-timeout')
          ? 'No chart: counting took too long. Narrow the range or add filters to see one.'
          : `No chart: ${apiError?.message ?? (error as Error).message}`}
    </p>
  );
}

function bucketWords(seconds: number): string {
  if (seconds % 86_400 === 0) return seconds === 86_400 ? 'day' : `${seconds / 86_400} days`;
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`;
  return seconds === 60 ? 'minute' : `${seconds / 60} minutes`;
}

/** Times as precise as the buckets, with the day when the range spans more than one. */
function timeFormat(bucketSeconds: number, spanMs: number): Intl.DateTimeFormat {
  if (bucketSeconds >= 86_400) return new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
  if (spanMs > 20 * 3_600_000)
    return new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
  return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
}

function countWords(b: { count: number; warning: number; critical: number }): string {
  const of = [b.warning && `${b.warning} warning`, b.critical && `${b.critical} critical`].filter(Boolean);
  return `${b.count} ${b.count === 1 ? 'entry' : 'entries'}${of.length ? ` (${of.join(', ')})` : ''}`;
}

/** "42 entries from Tue 14:00 to now; most 14:15 – 14:30: 12 entries (3 warning)." */
function summaryOf(
  total: number,
  busy: Array<{ count: number; warning: number; critical: number; i: number }>,
  span: (i: number) => string,
  data: TimelineHistogram,
  format: Intl.DateTimeFormat,
): string {
  const from = format.format(Date.parse(data.since));
  const until = Date.parse(data.until);
  const to = Math.abs(until - Date.now()) < 60_000 ? 'now' : format.format(until);
  if (total === 0) return `No entries from ${from} to ${to}.`;
  const most = busy.reduce((a, b) => (b.count > a.count ? b : a));
  const critical = busy.reduce((n, b) => n + b.critical, 0);
  const warning = busy.reduce((n, b) => n + b.warning, 0);
  const of = [warning && `${warning} warning`, critical && `${critical} critical`].filter(Boolean);
  return (
    `${total} ${total === 1 ? 'entry' : 'entries'}${of.length ? ` (${of.join(', ')})` : ''} from ${from} to ${to}` +
    (busy.length > 1 ? `; most ${span(most.i)}: ${countWords(most)}.` : ', all in one bucket.')
  );
}
