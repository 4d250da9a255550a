import { Counter, Histogram } from 'prom-client';
import type { Metrics } from '@daalu/platform/observability';

/** What an attempt came to: delivered, to be retried, or failed for good (the retry window is over). */
export type AttemptResult = 'delivered' | 'retrying' | 'failed';

/** The dispatcher's own Prometheus metrics, on the app's registry: the numbers to alert on. */
export class DeliveryMetrics {
  readonly attempts: Counter<'result'>;
  readonly attemptDuration: Histogram<'result'>;

  constructor(metrics: Metrics) {
    this.attempts = new Counter({
      name: 'daalu_delivery_attempts_total',
      help: 'Outbound delivery attempts (POSTs to receivers), by result: delivered, retrying, failed',
      labelNames: ['result'] as const,
      registers: [metrics.registry],
    });
    this.attemptDuration = new Histogram({
      name: 'daalu_delivery_attempt_duration_seconds',
      help: 'Time from sending a delivery to its answer (or error), by result',
      labelNames: ['result'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metrics.registry],
    });
  }

  record(result: AttemptResult, durationMs: number): void {
    this.attempts.inc({ result });
    this.attemptDuration.observe({ result }, durationMs / 1000);
  }
}
