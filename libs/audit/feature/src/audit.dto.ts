import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from '@daalu/audit/data-access';

/** The answer of `GET /api/v1/audit`, as the API reference shows it (AuditEntryView of the data access). */

@ApiSchema({ name: 'AuditTarget' })
export class AuditTargetView {
  @ApiProperty({ enum: AUDIT_TARGET_TYPES, example: 'webhook' })
  type: string;

  @ApiProperty({ type: 'string', nullable: true, description: 'Its id (a UUID)', example: null })
  id: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'The rule’s name, the webhook’s description (or URL), the token’s name, the proposal’s title',
    example: 'PagerDuty bridge',
  })
  name: string | null;
}

@ApiSchema({ name: 'AuditEntry' })
export class AuditEntryView {
  @ApiProperty({ format: 'uuid', description: 'The id of the fact on the log' })
  id: string;

  @ApiProperty({ format: 'date-time', description: 'When it happened' })
  at: string;

  @ApiProperty({ enum: AUDIT_ACTIONS, example: 'webhook.secret-revealed' })
  action: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description:
      'Who did it: an API token as `<name> (dat_…)`, the operator as `operator (…)`, Daalu itself as `daalu`; null for facts older than the field',
    example: 'deploy bot (dat_7fQ2…)',
  })
  actor: string | null;

  @ApiProperty({ type: () => AuditTargetView })
  target: AuditTargetView;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'A few plain fields of the action (never a secret, a hash or a sealed value)',
    example: { secretId: '0192e4a1-7c2b-7d3e-9f00-1a2b3c4d5e6f' },
  })
  details: Record<string, unknown>;
}

@ApiSchema({ name: 'AuditPage' })
export class AuditPageView {
  @ApiProperty({ type: () => [AuditEntryView], description: 'Newest first' })
  items: AuditEntryView[];

  @ApiProperty({ type: 'string', nullable: true, description: 'The next page’s cursor; null on the last page' })
  nextCursor: string | null;
}
