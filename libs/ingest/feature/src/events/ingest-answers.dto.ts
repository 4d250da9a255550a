import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { MAX_BATCH_ITEMS } from './event-ingest.service';

/** What POST /api/v1/events and /batch answer (EventIngestService), as the API reference shows it. */

@ApiSchema({ name: 'IngestAccepted' })
export class IngestAcceptedView {
  @ApiProperty({
    format: 'uuid',
    description: 'The event’s id (UUIDv7)',
    example: '0193a5b2-7c1e-7d4a-9b3f-2e8c4a6d1f05',
  })
  id: string;

  @ApiProperty({ enum: ['accepted'], description: 'Stored on the log' })
  status: 'accepted';

  @ApiPropertyOptional({ description: 'An Idempotency-Key matched an earlier request: no new event was stored' })
  duplicate?: boolean;

  @ApiPropertyOptional({
    type: [String],
    description:
      'What was accepted but worth telling the sender (a dropped tenant id, an unusual type, unknown fields)',
    example: ['type "disk-full" does not follow <system>.<verb> (e.g. deploy.failed); it is harder to query'],
  })
  warnings?: string[];
}

@ApiSchema({ name: 'IngestBatchItem' })
export class IngestBatchItemView {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The item’s place in the array' })
  index: number;

  @ApiProperty({ type: 'integer', description: '202 when stored, else the status of its problem', example: 202 })
  status: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'The stored event’s id' })
  id?: string;

  @ApiPropertyOptional({ type: [String] })
  warnings?: string[];

  @ApiPropertyOptional({ description: 'Why it was not stored' })
  detail?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { $ref: '#/components/schemas/FieldError' },
    description: 'Its invalid fields',
  })
  errors?: Array<{ field: string; message: string }>;
}

@ApiSchema({ name: 'IngestBatchResult' })
export class IngestBatchResultView {
  @ApiProperty({ type: 'integer', minimum: 0 })
  accepted: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  rejected: number;

  @ApiProperty({ type: () => [IngestBatchItemView], maxItems: MAX_BATCH_ITEMS, description: 'One per item, in order' })
  items: IngestBatchItemView[];
}
