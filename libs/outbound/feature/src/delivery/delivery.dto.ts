import { ApiProperty, ApiSchema } from '@nestjs/swagger';

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

  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] })
  state: 'pending' | 'delivered' | 'failed';

  @ApiProperty({ description: 'What it delivers', example: 'alert.fired' })
  factKind: string;

  @ApiProperty({ format: 'uuid' })
  factId: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  attemptsCount: number;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  nextAttemptAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  finishedAt: string | null;

  @ApiProperty({ type: () => [DeliveryAttemptView] })
  attempts: DeliveryAttemptView[];
}

@ApiSchema({ name: 'WebhookDeliveries' })
export class WebhookDeliveriesView {
  @ApiProperty({ type: () => [DeliveryView], description: 'The latest 100, newest first' })
  items: DeliveryView[];

  @ApiProperty({ type: () => DeliveryView, nullable: true })
  lastDelivery: DeliveryView | null;
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
