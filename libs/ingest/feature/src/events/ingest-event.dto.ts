import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { SEVERITIES, type Severity } from '@daalu/contracts';
import { jsonDepth } from '@daalu/ingest/domain';
import { textReason } from '@daalu/shared/text';

/** Limits on the envelope (documented in docs/ingest.md): generous for real senders, bounded for safety. */
export const ENVELOPE_LIMITS = {
  type: 128,
  module: 64,
  source: 128,
  summary: 1024,
  payloadDepth: 32,
} as const;

const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;

/** Text PostgreSQL can store: no NUL, well-formed UTF-16 (no lone surrogate). */
function StorableText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'storableText',
      validator: {
        validate: (value) => typeof value !== 'string' || textReason(value) === null,
        defaultMessage: (args) => textReason(args?.value as string) ?? 'must be storable text',
      },
    },
    options,
  );
}

/** The event envelope senders POST to /api/v1/events (docs/product.md). */
@ApiSchema({
  name: 'IngestEvent',
  description:
    'The event envelope. Every string, payload keys and values at any depth included, must be storable text: no NUL and no lone surrogate. `tenant_id`/`tenantId` and unknown fields are dropped, with a warning.',
})
export class IngestEventDto {
  /** Freeform, but `<system>.<verb>` (deploy.failed) keeps it queryable; otherwise the 202 carries a warning. */
  @ApiProperty({
    description:
      'What happened: `<system>.<verb>` (deploy.failed) keeps it queryable; another shape is accepted with a warning',
    minLength: 1,
    maxLength: ENVELOPE_LIMITS.type,
    pattern: NO_CONTROL_CHARACTERS.source,
    example: 'check.failed',
  })
  @IsDefined({ message: 'type is required' })
  @IsString()
  @Length(1, ENVELOPE_LIMITS.type)
  @StorableText()
  @Matches(NO_CONTROL_CHARACTERS, { message: 'type must not contain control characters' })
  type: string;

  /** Routing category (ci, security, custom, …); `custom` when omitted. */
  @ApiPropertyOptional({
    description: 'Routing category (ci, security, custom, …)',
    minLength: 1,
    maxLength: ENVELOPE_LIMITS.module,
    pattern: NO_CONTROL_CHARACTERS.source,
    default: 'custom',
    example: 'custom',
  })
  @IsDefined({ message: 'module is required' })
  @IsString()
  @Length(1, ENVELOPE_LIMITS.module)
  @StorableText()
  @Matches(NO_CONTROL_CHARACTERS, { message: 'module must not contain control characters' })
  module: string;

  /** Stable identifier of the sender. */
  @ApiProperty({
    description: 'Stable identifier of the sender',
    minLength: 1,
    maxLength: ENVELOPE_LIMITS.source,
    pattern: NO_CONTROL_CHARACTERS.source,
    example: 'nightly-cron',
  })
  @IsDefined({ message: 'source is required' })
  @IsString()
  @Length(1, ENVELOPE_LIMITS.source)
  @StorableText()
  @Matches(NO_CONTROL_CHARACTERS, { message: 'source must not contain control characters' })
  source: string;

  /** One human-readable line: what shows on the timeline. */
  @ApiProperty({
    description: 'One human-readable line: what shows on the timeline',
    minLength: 1,
    maxLength: ENVELOPE_LIMITS.summary,
    example: 'disk usage on backup host exceeded 90%',
  })
  @IsDefined({ message: 'summary is required' })
  @IsString()
  @Length(1, ENVELOPE_LIMITS.summary)
  @StorableText()
  summary: string;

  @ApiPropertyOptional({ enum: SEVERITIES, enumName: 'Severity', default: 'info', example: 'warning' })
  @IsOptional()
  @IsIn(SEVERITIES, { message: `severity must be one of ${SEVERITIES.join(', ')}` })
  severity?: Severity;

  /** Any JSON object carried along and surfaced in the UI. */
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: `Any JSON object, nested at most ${ENVELOPE_LIMITS.payloadDepth} levels, carried along and shown`,
    default: {},
    example: { host: 'backup-1', pct: 93 },
  })
  @IsOptional()
  @IsObject({ message: 'payload must be a JSON object' })
  @ValidateBy({
    name: 'maxJsonDepth',
    validator: {
      validate: (value) => jsonDepth(value, ENVELOPE_LIMITS.payloadDepth) <= ENVELOPE_LIMITS.payloadDepth,
      defaultMessage: () => `payload must not be nested deeper than ${ENVELOPE_LIMITS.payloadDepth} levels`,
    },
  })
  payload?: Record<string, unknown>;
}

export const ENVELOPE_FIELDS = ['type', 'module', 'source', 'summary', 'severity', 'payload'] as const;
