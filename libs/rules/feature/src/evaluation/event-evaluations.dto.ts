import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { SEVERITIES, type Severity } from '@daalu/contracts';

/** GET /api/v1/events/:id/evaluations, as the API reference shows it. */

@ApiSchema({ name: 'EvaluatedEvent' })
export class EvaluatedEventView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'check.failed' })
  type: string;

  @ApiProperty({ example: 'custom' })
  module: string;

  @ApiProperty({ example: 'nightly-cron' })
  source: string;

  @ApiProperty({ enum: SEVERITIES, enumName: 'Severity' })
  severity: Severity;

  @ApiProperty({ example: 'disk usage on backup host exceeded 90%' })
  summary: string;

  @ApiProperty({ format: 'date-time' })
  receivedAt: string;
}

@ApiSchema({ name: 'RuleEvaluation', description: 'One rule as it is now, against the event' })
export class RuleEvaluationView {
  @ApiProperty({ format: 'uuid' })
  ruleId: string;

  @ApiProperty()
  ruleName: string;

  @ApiProperty({ enum: ['match', 'absence'] })
  ruleKind: 'match' | 'absence';

  @ApiProperty({ type: 'integer', minimum: 1 })
  ruleVersion: number;

  @ApiProperty({ description: 'Whether the event meets every condition of the rule’s match' })
  matched: boolean;

  @ApiPropertyOptional({
    description: 'When it did not: the condition that decided it',
    example: 'minSeverity critical',
  })
  condition?: string;

  @ApiPropertyOptional({ description: 'When it did not: why', example: 'severity warning is below critical' })
  reason?: string;

  @ApiPropertyOptional({ description: 'A rule with resolve.match: whether the event resolves its alerts' })
  resolves?: boolean;
}

@ApiSchema({ name: 'EventAlert' })
export class EventAlertView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  ruleId: string;

  @ApiProperty({ enum: ['firing', 'resolved'] })
  state: string;
}

@ApiSchema({ name: 'EventEvaluations' })
export class EventEvaluationsView {
  @ApiProperty({ type: () => EvaluatedEventView })
  event: EvaluatedEventView;

  @ApiProperty({ type: () => [RuleEvaluationView], description: 'Each of the tenant’s rules' })
  evaluations: RuleEvaluationView[];

  @ApiProperty({ type: () => [EventAlertView], description: 'The alerts the event took part in' })
  alerts: EventAlertView[];
}
