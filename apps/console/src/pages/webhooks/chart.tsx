import { BarChart } from '../../ui/bar-chart';
import { Loading, ProblemMessage } from '../../ui/states';
import { percent, useStats, type WebhookStats } from './api';

interface Slot {
  start: number;
  delivered: number;
  failed: number;
  /** The answered attempts' 99th percentile response time, ms (an upper bound); null without any. */
  p99Ms: number | null;
  p50Ms: number | null;
}

const maxOf = (a: number | null, b: number | null) => (b === null ? a : a === null ? b : Math.max(a, b));

/** The last 24 hours in buckets (oldest first), the empty ones the API leaves out filled with zeros. */
export function slotsOf(stats: WebhookStats, now = Date.now()): Slot[] {
  const size = stats.bucketMinutes * 60_000;
  const count = Math.ceil((24 * 60) / stats.bucketMinutes);
  const last = Math.floor(now / size) * size;
  const slots: Slot[] = Array.from({ length: count }, (_, i) => ({
    start: last - (count - 1 - i) * size,
    delivered: 0,
    failed: 0,
    p99Ms: null,
    p50Ms: null,
  }));
  for (const bucket of stats.buckets) {
    const start = Math.floor(Date.parse(bucket.at) / size) * size;
    const slot = slots.find((s) => s.start === start);
    if (slot) {
      slot.delivered += bucket.delivered;
      slot.failed += bucket.failed;
      slot.p99Ms = maxOf(slot.p99Ms, bucket.p99Ms);
      slot.p50Ms = maxOf(slot.p50Ms, bucket.p50Ms);
    }
  }
  return slots;
}

const hour = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayHour = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/**
 * "In the last 24 hours: 120 delivered, 5 failed attempts (96% delivered). Busiest hour …; slowest
 * hour …", or that there were none.
 */
export function chartSummary(slots: Slot[]): string {
  const delivered = slots.reduce((n, s) => n + s.delivered, 0);
  const failed = slots.reduce((n, s) => n + s.failed, 0);
  if (delivered + failed === 0) return 'No attempts in the last 24 hours.';
  const busiest = slots.reduce((a, b) => (b.delivered + b.failed > a.delivered + a.failed ? b : a));
  const timed = slots.filter((s) => s.p99Ms !== null);
  const slowest = timed.length ? timed.reduce((a, b) => (b.p99Ms! > a.p99Ms! ? b : a)) : null;
  return (
    `In the last 24 hours: ${delivered} delivered, ${failed} failed attempts ` +
    `(${percent(delivered / (delivered + failed))} delivered). ` +
    `Busiest hour: from ${hour.format(busiest.start)}, ${busiest.delivered + busiest.failed} attempts.` +
    (slowest ? ` Slowest hour: from ${hour.format(slowest.start)}, 99% answered within ${slowest.p99Ms} ms.` : '')
  );
}

/**
 * Attempts per hour over the last 24 hours (`GET /api/v1/webhooks/:id/stats`): a bar per hour, delivered
 * below and failed (hatched) stacked on top, and the 99th percentile response time as a line on its
 * own scale. The summary in words above, the numbers as a table under it.
 */
export function DeliveryChart({ webhookId }: { webhookId: string }) {
  const stats = useStats(webhookId);
  if (stats.isPending) return <Loading what="the delivery chart" />;
  if (stats.isError) return <ProblemMessage error={stats.error} />;
  const slots = slotsOf(stats.data);
  const bucketMs = stats.data.bucketMinutes * 60_000;
  const busy = slots.filter((s) => s.delivered + s.failed > 0);
  const timed = slots.some((s) => s.p99Ms !== null);
  const describe = (i: number) => {
    const s = slots[i];
    const latency = s.p99Ms === null ? '' : `; 99% within ${s.p99Ms} ms, median ${s.p50Ms ?? '—'} ms`;
    return `From ${dayHour.format(s.start)}: ${s.delivered} delivered, ${s.failed} failed${latency}`;
  };
  return (
    <div className="chart">
      <p>{chartSummary(slots)}</p>
      <BarChart
        label="Attempts per hour, last 24 hours: delivered and failed, with the 99th percentile response time"
        starts={slots.map((s) => s.start)}
        bucketMs={bucketMs}
        bars={[
          { label: 'Delivered', values: slots.map((s) => s.delivered), color: '--ok' },
          { label: 'Failed', values: slots.map((s) => s.failed), color: '--danger', hatch: true },
        ]}
        line={
          timed
            ? { label: 'p99 response time', values: slots.map((s) => s.p99Ms), color: '--chart-line', unit: 'ms' }
            : undefined
        }
        height={150}
        describe={describe}
        hint="Point at an hour for its numbers."
      />
      {busy.length > 0 && (
        <details>
          <summary>Attempts per hour as a table</summary>
          <div className="chart-table-wrap">
            <table className="chart-table table-stack">
              <caption className="visually-hidden">Attempts per hour, last 24 hours</caption>
              <thead>
                <tr>
                  <th scope="col">Hour from</th>
                  <th scope="col">Delivered</th>
                  <th scope="col">Failed</th>
                  {timed && <th scope="col">Median</th>}
                  {timed && <th scope="col">99th percentile</th>}
                </tr>
              </thead>
              <tbody>
                {busy.map((slot) => (
                  <tr key={slot.start}>
                    <th scope="row">{dayHour.format(slot.start)}</th>
                    <td data-label="Delivered">{slot.delivered}</td>
                    <td data-label="Failed">{slot.failed}</td>
                    {timed && <td data-label="Median">{slot.p50Ms === null ? '—' : `${slot.p50Ms} ms`}</td>}
                    {timed && <td data-label="99th percentile">{slot.p99Ms === null ? '—' : `${slot.p99Ms} ms`}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </div>
  );
}
