import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { SEVERITIES, type Severity } from '@daalu/contracts';

/** GET /api/v1/alerts, as the API reference shows it (AlertView of @daalu/rules/data-access). */

@ApiSchema({ name: 'AlertContextEvent', description: 'A change event that came shortly before the alert (deploy.*)' })
export class AlertContextEventView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'deploy.finished' })
  type: string;

  @ApiProperty({ example: 'ci' })
  source: string;

  @ApiProperty({ example: 'api v2.14.0 deployed to prod' })
  summary: string;

  @ApiProperty({ format: 'date-time' })
  receivedAt: string;
}

@ApiSchema({ name: 'Alert' })
export class AlertView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  ruleId: string;

  @ApiProperty({ example: 'Backup disk almost full' })
  ruleName: string;

  @ApiProperty({ enum: ['firing', 'resolved'] })
  state: 'firing' | 'resolved';

  @ApiProperty({ enum: SEVERITIES, enumName: 'Severity' })
  severity: Severity;

  @ApiProperty({ description: 'The rule’s summary, rendered', example: 'disk almost full on backup-1' })
  summary: string;

  @ApiProperty({ description: 'The groupBy value it is for (empty without groupBy)', example: 'backup-1' })
  groupKey: string;

  @ApiProperty({ format: 'date-time' })
  firedAt: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  resolvedAt: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'How it resolved (a matching event, quiet, …)',
    example: 'quiet',
  })
  resolveReason: string | null;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Matching events while it fired' })
  count: number;

  @ApiProperty({ format: 'date-time', description: 'The last matching event (firedAt until another came)' })
  lastSeenAt: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'The events that fired it' })
  eventIds: string[];

  @ApiProperty({ type: () => [AlertContextEventView] })
  context: AlertContextEventView[];

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When someone acknowledged it' })
  acknowledgedAt: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    example: 'alice laptop (dat_7fQ2…)',
    description: 'Who acknowledged it',
  })
  acknowledgedBy: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'Their note' })
  acknowledgeNote: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'Who resolved it by hand (resolveReason manual)' })
  resolvedBy: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'Their note' })
  resolveNote: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'The sender’s dedup key: an event with it and payload.eventAction "resolve" resolves the alert',
  })
  dedupKey: string | null;

  @ApiProperty({
    type: 'string',
    format: 'uuid',
    nullable: true,
    description: 'The silence that covered it when it fired, while it still does: no webhook has been told yet',
  })
  silencedBy: string | null;
}

@ApiSchema({ name: 'AlertPage' })
export class AlertPageView {
  @ApiProperty({ type: () => [AlertView], description: 'Newest first' })
  items: AlertView[];

  @ApiProperty({ type: 'string', nullable: true, description: 'The next page’s cursor; null on the last page' })
  nextCursor: string | null;
}
