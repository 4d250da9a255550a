import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The Prometheus metrics every app exposes at /metrics. One registry per app instance (not the global
 * one), so that several apps can run in one test process.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly messagesHandled = new Counter({
    name: 'daalu_messages_handled_total',
    help: 'Messages a consumer finished, by outcome (projections: applied, skipped, dead_lettered, failed; work consumers: acked, nak, dead_lettered)',
    labelNames: ['consumer', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly consumerLag = new Gauge({
    name: 'daalu_consumer_lag_messages',
    help: 'Messages on the stream that the consumer has not yet been delivered (num_pending)',
    labelNames: ['consumer'] as const,
    registers: [this.registry],
  });

  readonly consumerAckPending = new Gauge({
    name: 'daalu_consumer_ack_pending_messages',
    help: 'Messages delivered to a work consumer and not yet acknowledged, across replicas (num_ack_pending)',
    labelNames: ['consumer'] as const,
    registers: [this.registry],
  });

  readonly consumerStalled = new Gauge({
    name: 'daalu_consumer_stalled',
    help: '1 while a consumer has messages waiting and its position has not moved for DAALU_STALL_AFTER_S (the app is then not ready)',
    labelNames: ['consumer'] as const,
    registers: [this.registry],
  });

  readonly projectionSequence = new Gauge({
    name: 'daalu_projection_applied_sequence',
    help: 'Last stream sequence a projection applied (its checkpoint)',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  readonly batchDuration = new Histogram({
    name: 'daalu_projection_batch_duration_seconds',
    help: 'Time to apply one batch of messages in one transaction',
    labelNames: ['projection'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'daalu_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }
}
