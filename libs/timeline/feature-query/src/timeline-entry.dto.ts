import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { SEVERITIES, type Severity } from '@daalu/contracts';

/** What lands on the timeline (docs/timeline.md, "Kinds of entries"). */
export const ENTRY_KINDS = [
  'event',
  'alert.fired',
  'alert.resolved',
  'alert.acknowledged',
  'alert.unacknowledged',
  'alert.unsilenced',
  'silence.created',
  'silence.expired',
  'check.paused',
  'check.resumed',
  'proposal.created',
  'proposal.approved',
  'proposal.rejected',
] as const;

/** One item of GET /api/v1/events, and the data of the live stream's `entry` events. */
@ApiSchema({ name: 'TimelineEntry' })
export class TimelineEntryView {
  @ApiProperty({ format: 'uuid', description: 'The event id, as POST /api/v1/events answered it' })
  id: string;

  @ApiProperty({ enum: ENTRY_KINDS, example: 'event' })
  kind: string;

  @ApiProperty({ example: 'check.failed' })
  type: string;

  @ApiProperty({ example: 'custom' })
  module: string;

  @ApiProperty({ example: 'nightly-cron' })
  source: string;

  @ApiProperty({ example: 'disk usage on backup host exceeded 90%' })
  summary: string;

  @ApiProperty({ enum: SEVERITIES, enumName: 'Severity', example: 'warning' })
  severity: Severity;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { host: 'backup-1', pct: 93 } })
  payload: Record<string, unknown>;

  @ApiProperty({ format: 'date-time', description: 'When the gateway received it (UTC, milliseconds)' })
  receivedAt: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only on entries about an alert or a proposal: its id' })
  refId?: string;

  @ApiProperty({ description: 'Ties together what one request caused (for an ingested event, its id)' })
  correlationId: string;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'The entry’s position on the log: the live stream’s event id',
  })
  sequence: number;
}

@ApiSchema({ name: 'TimelinePage' })
export class TimelinePageView {
  @ApiProperty({ type: () => [TimelineEntryView], description: 'Newest first' })
  items: TimelineEntryView[];

  @ApiProperty({ type: 'string', nullable: true, description: 'The next page’s cursor; null on the last page' })
  nextCursor: string | null;
}
