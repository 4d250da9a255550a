import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** One item of GET /api/v1/event-types. */
@ApiSchema({ name: 'EventType' })
export class EventTypeItemView {
  @ApiProperty({ example: 'deploy.finished' })
  type: string;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'Events of this type on the timeline (within the retention period)',
    example: 412,
  })
  count: number;

  @ApiProperty({ format: 'date-time', description: 'The `receivedAt` of the oldest of them' })
  firstSeenAt: string;

  @ApiProperty({ format: 'date-time', description: 'The `receivedAt` of the newest of them' })
  lastSeenAt: string;

  @ApiProperty({
    type: [String],
    maxItems: 20,
    description: 'Distinct sources that sent it, sorted; at most 20 (the first ones seen)',
    example: ['github-actions', 'nightly-cron'],
  })
  sources: string[];

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The payload of the newest event of this type; null when its JSON is 4 KiB or more',
    example: { service: 'api', env: 'prod', durationMs: 48211 },
  })
  sample: Record<string, unknown> | null;

  @ApiProperty({ description: 'True when the newest payload was 4 KiB or more, so `sample` is null' })
  sampleTruncated: boolean;
}

@ApiSchema({ name: 'EventTypeCatalog' })
export class EventTypeCatalogView {
  @ApiProperty({ type: () => [EventTypeItemView], description: 'Most recently seen first (then by type)' })
  items: EventTypeItemView[];

  @ApiProperty({
    description:
      'True when the tenant sent more than 1,000 distinct types within the retention period: types beyond the first 1,000 are left out of `items` (their events are on the timeline all the same)',
  })
  truncated: boolean;
}
