import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { LATENCY_BOUNDS_MS } from '@daalu/outbound/data-access';

/** The answers of the deliveries routes, as the API reference shows them (DeliveryView of the data access). */

const HEADERS = { type: 'object', additionalProperties: { type: 'string' } } as const;

@ApiSchema({ name: 'DeliveryRequest' })
export class DeliveryRequestView {
  @ApiProperty({ ...HEADERS, example: { 'content-type': 'application/json', 'webhook-id': 'msg_…' } })
  headers: Record<string, string>;

  @ApiProperty({ description: 'The body sent' })
  body: string;
}

@ApiSchema({ name: 'DeliveryResponse' })
export class DeliveryResponseView {
  @ApiProperty({ type: 'integer', example: 200 })
  status: number;

  @ApiProperty(HEADERS)
  headers: Record<string, string>;

  @ApiProperty({ description: 'The body received (cut)' })
  body: string;
}

@ApiSchema({ name: 'DeliveryAttempt' })
export class DeliveryAttemptView {
  @ApiProperty({ type: 'integer', minimum: 1 })
  attempt: number;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ example: 84 })
  durationMs: number;

  @ApiProperty({ type: () => DeliveryRequestView })
  request: DeliveryRequestView;

  @ApiProperty({ type: () => DeliveryResponseView, nullable: true, description: 'null when no answer came' })
  response: DeliveryResponseView | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'Why it failed without an answer', example: null })
  error: string | null;
}

@ApiSchema({ name: 'Delivery' })
export class DeliveryView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    enum: ['pending', 'delivered', 'failed', 'skipped'],
    description: '`skipped`: not sent, its webhook being disabled (a recovery can send it)',
  })
  state: 'pending' | 'delivered' | 'failed' | 'skipped';

  @ApiProperty({ description: 'What it delivers', example: 'alert.fired' })
  factKind: string;

  @ApiProperty({ format: 'uuid', description: 'The fact (for an event, its id)' })
  factId: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'The event’s type, else the fact’s kind',
    example: 'deploy.finished',
  })
  factType: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'The event or alert summary, or the proposal title (up to 300 characters)',
    example: 'checkout v2.3.1 deployed to prod',
  })
  summary: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  attemptsCount: number;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  nextAttemptAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  finishedAt: string | null;

  @ApiProperty({
    type: 'string',
    format: 'uuid',
    nullable: true,
    description: 'The recovery that last asked for it again',
  })
  recoveryId: string | null;

  @ApiProperty({ type: () => [DeliveryAttemptView] })
  attempts: DeliveryAttemptView[];
}

@ApiSchema({ name: 'WebhookDeliveries' })
export class WebhookDeliveriesView {
  @ApiProperty({ type: () => [DeliveryView], description: 'Newest first: the filters’ matches, `limit` (100) a page' })
  items: DeliveryView[];

  @ApiProperty({ type: () => DeliveryView, nullable: true, description: 'The first item' })
  lastDelivery: DeliveryView | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as `cursor` for the next (older) page; null on the last',
  })
  nextCursor: string | null;
}

/** What a chart bucket's latency says, for the median and the 99th percentile. */
const LATENCY_DESCRIPTION = (share: string) =>
  `An upper bound, not an exact percentile: at least ${share} of the bucket’s answered attempts took at most this many ms. Answers are counted per latency bound (${LATENCY_BOUNDS_MS.join(', ')} ms, and slower), and this is the bound where the count reaches ${share} of them; ${LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]} also stands for anything slower. Attempts the receiver answered count, whatever the status; those with no answer (a timeout, a refused or reset connection) count in \`failed\` only. Null when no attempt of the bucket was answered (or all of them were before latency was kept).`;

@ApiSchema({ name: 'DeliveryChartBucket' })
export class DeliveryChartBucketView {
  @ApiProperty({ format: 'date-time', description: 'The bucket’s start' })
  at: string;

  @ApiProperty({ type: 'integer', description: 'Attempts answered with a 2xx' })
  delivered: number;

  @ApiProperty({ type: 'integer', description: 'Other attempts' })
  failed: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: LATENCY_DESCRIPTION('half'),
    example: 25,
  })
  p50Ms: number | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: LATENCY_DESCRIPTION('99%'),
    example: 500,
  })
  p99Ms: number | null;
}

@ApiSchema({ name: 'WebhookStats' })
export class WebhookStatsView {
  @ApiProperty({ type: 'integer', example: 60 })
  bucketMinutes: number;

  @ApiProperty({
    type: () => [DeliveryChartBucketView],
    description: 'The last 24 hours, oldest first; empty buckets left out',
  })
  buckets: DeliveryChartBucketView[];
}

@ApiSchema({ name: 'Redelivery' })
export class RedeliveryView {
  @ApiProperty({ format: 'uuid', description: 'The delivery' })
  id: string;

  @ApiProperty({ enum: ['pending'] })
  state: 'pending';
}

@ApiSchema({ name: 'TestDelivery' })
export class TestDeliveryView {
  @ApiProperty({ format: 'uuid', description: 'The delivery of the test event, in the webhook’s history' })
  deliveryId: string;
}
