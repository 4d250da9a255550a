import { useId } from 'react';
import { Loading, ProblemMessage } from '../../ui/states';
import { percent, useStats, type WebhookStats } from './api';

interface Slot {
  start: number;
  delivered: number;
  failed: number;
}

/** The last 24 hours in buckets (oldest first), the empty ones the API leaves out filled with zeros. */
export function slotsOf(stats: WebhookStats, now = Date.now()): Slot[] {
  const size = stats.bucketMinutes * 60_000;
  const count = Math.ceil((24 * 60) / stats.bucketMinutes);
  const last = Math.floor(now / size) * size;
  const slots: Slot[] = Array.from({ length: count }, (_, i) => ({
    start: last - (count - 1 - i) * size,
    delivered: 0,
    failed: 0,
  }));
  for (const bucket of stats.buckets) {
    const start = Math.floor(Date.parse(bucket.at) / size) * size;
    const slot = slots.find((s) => s.start === start);
    if (slot) {
      slot.delivered += bucket.delivered;
      slot.failed += bucket.failed;
    }
  }
  return slots;
}

const hour = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayHour = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/** "In the last 24 hours: 120 delivered, 5 failed (96% delivered); busiest hour …", or that there were none. */
export function chartSummary(slots: Slot[]): string {
  const delivered = slots.reduce((n, s) => n + s.delivered, 0);
  const failed = slots.reduce((n, s) => n + s.failed, 0);
  if (delivered + failed === 0) return 'No attempts in the last 24 hours.';
  const busiest = slots.reduce((a, b) => (b.delivered + b.failed > a.delivered + a.failed ? b : a));
  return (
    `In the last 24 hours: ${delivered} delivered, ${failed} failed attempts ` +
    `(${percent(delivered / (delivered + failed))} delivered). ` +
    `Busiest hour: from ${hour.format(busiest.start)}, ${busiest.delivered + busiest.failed} attempts.`
  );
}

const WIDTH = 480;
const HEIGHT = 120;

/**
 * Attempts per hour over the last 24 hours (`GET /api/v1/webhooks/:id/stats`): a bar per hour, delivered
 * below and failed stacked on top. The chart is an image named by its summary in words, with the
 * numbers as a table under it; colour is never the only key (a legend in words, a pattern for failed).
 */
export function DeliveryChart({ webhookId }: { webhookId: string }) {
  const stats = useStats(webhookId);
  const summaryId = useId();
  const patternId = useId().replace(/:/g, '');
  if (stats.isPending) return <Loading what="the delivery chart" />;
  if (stats.isError) return <ProblemMessage error={stats.error} />;
  const slots = slotsOf(stats.data);
  const max = Math.max(1, ...slots.map((s) => s.delivered + s.failed));
  const step = WIDTH / slots.length;
  const barWidth = Math.max(1, step - 4);
  const scale = (n: number) => (n / max) * (HEIGHT - 4);
  const busy = slots.filter((s) => s.delivered + s.failed > 0);
  return (
    <div className="chart">
      <p id={summaryId}>{chartSummary(slots)}</p>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-labelledby={summaryId}
        className="chart-bars"
      >
        <defs>
          <pattern id={patternId} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" className="chart-failed" />
            <line x1="0" y1="0" x2="0" y2="6" className="chart-hatch" />
          </pattern>
        </defs>
        <line x1="0" y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} className="chart-axis" />
        {slots.map((slot, i) => {
          const delivered = scale(slot.delivered);
          const failed = scale(slot.failed);
          const x = i * step + 2;
          return (
            <g key={slot.start}>
              <title>{`${dayHour.format(slot.start)}: ${slot.delivered} delivered, ${slot.failed} failed`}</title>
              {slot.delivered > 0 && (
                <rect x={x} y={HEIGHT - delivered} width={barWidth} height={delivered} className="chart-delivered" />
              )}
              {slot.failed > 0 && (
                <rect
                  x={x}
                  y={HEIGHT - delivered - failed}
                  width={barWidth}
                  height={failed}
                  fill={`url(#${patternId})`}
                />
              )}
            </g>
          );
        })}
      </svg>
      <div className="chart-axis-labels" aria-hidden="true">
        <span>{dayHour.format(slots[0].start)}</span>
        <span>now</span>
      </div>
      <p className="chart-legend">
        <span>
          <span className="swatch swatch-delivered" aria-hidden="true" /> Delivered
        </span>
        <span>
          <span className="swatch swatch-failed" aria-hidden="true" /> Failed (hatched)
        </span>
        <span className="help">Attempts per hour, tallest bar {max}.</span>
      </p>
      {busy.length > 0 && (
        <details>
          <summary>Attempts per hour as a table</summary>
          <table className="chart-table">
            <caption className="visually-hidden">Attempts per hour, last 24 hours</caption>
            <thead>
              <tr>
                <th scope="col">Hour from</th>
                <th scope="col">Delivered</th>
                <th scope="col">Failed</th>
              </tr>
            </thead>
            <tbody>
              {busy.map((slot) => (
                <tr key={slot.start}>
                  <th scope="row">{dayHour.format(slot.start)}</th>
                  <td>{slot.delivered}</td>
                  <td>{slot.failed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}
