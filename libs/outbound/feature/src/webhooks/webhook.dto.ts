import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { SEVERITIES, type Severity, type WebhookSpec } from '@daalu/contracts';
import type { FieldError } from '@daalu/platform/http';
import { CUSTOM_HEADER_LIMITS, customHeadersProblems, templateProblems } from '@daalu/outbound/domain';
import { payloadConditionProblems } from '@daalu/shared/conditions';
import { PayloadConditionDto, PayloadConditionsProperty, toPayloadConditionSpecs } from '@daalu/shared/conditions/dto';
import { findTextProblem, globProblem, sanitizeText } from '@daalu/shared/text';

@ApiSchema({ name: 'AlertTrigger', description: 'Alerts that fire or resolve' })
export class AlertTriggerDto {
  @ApiPropertyOptional({ enum: SEVERITIES, enumName: 'Severity', example: 'warning' })
  @IsOptional()
  @IsIn(SEVERITIES as unknown as string[], { message: `minSeverity must be one of ${SEVERITIES.join(', ')}` })
  minSeverity?: Severity;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', enum: ['fired', 'resolved', 'acknowledged'] },
    minItems: 1,
    maxItems: 3,
    example: ['fired', 'resolved'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(['fired', 'resolved', 'acknowledged'], {
    each: true,
    message: 'states are fired, resolved and/or acknowledged',
  })
  states: Array<'fired' | 'resolved' | 'acknowledged'>;
}

@ApiSchema({ name: 'ProposalTrigger', description: 'Change proposals created, approved or rejected' })
export class ProposalTriggerDto {
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: 64 },
    maxItems: 50,
    description: 'Only these kinds (every kind when absent)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(64, { each: true })
  kinds?: string[];

  @ApiProperty({
    type: 'array',
    items: { type: 'string', enum: ['created', 'approved', 'rejected'] },
    minItems: 1,
    maxItems: 3,
    example: ['created'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(['created', 'approved', 'rejected'], { each: true, message: 'states are created, approved and/or rejected' })
  states: Array<'created' | 'approved' | 'rejected'>;
}

@ApiSchema({ name: 'EventTrigger', description: 'Ingested events (`{}`: every event)' })
export class EventTriggerDto {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 128,
    description: 'An exact type, or a glob with `*`',
    example: 'deploy.*',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  type?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 64 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  module?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 128 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  source?: string;

  @ApiPropertyOptional({ enum: SEVERITIES, enumName: 'Severity' })
  @IsOptional()
  @IsIn(SEVERITIES as unknown as string[], { message: `minSeverity must be one of ${SEVERITIES.join(', ')}` })
  minSeverity?: Severity;

  @PayloadConditionsProperty(
    'Conditions on the payload, all of which must hold: the same conditions as an alert rule’s `match.payload` (`[{"field": "payload.env", "op": "eq", "value": "prod"}]`)',
  )
  payload?: PayloadConditionDto[];
}

@ApiSchema({
  name: 'Trigger',
  description: 'What the webhook fires on: any of alerts, proposals, events (at least one)',
})
export class TriggerDto {
  @ApiPropertyOptional({ type: () => AlertTriggerDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AlertTriggerDto)
  alerts?: AlertTriggerDto;

  @ApiPropertyOptional({ type: () => ProposalTriggerDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ProposalTriggerDto)
  proposals?: ProposalTriggerDto;

  @ApiPropertyOptional({ type: () => EventTriggerDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EventTriggerDto)
  events?: EventTriggerDto;
}

@ApiSchema({
  name: 'Template',
  description: 'The body as a JSON template with `{{...}}` placeholders (text replacement, no code)',
})
export class TemplateDto {
  @ApiProperty({ type: 'object', additionalProperties: true, example: { text: '{{summary}}', channel: '#ops' } })
  @IsObject()
  fields: Record<string, unknown>;
}

@ApiSchema({ name: 'Batch', description: 'Up to maxEvents events or maxSeconds per POST, as a JSON array' })
export class BatchDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 1000, example: 100 })
  @IsInt()
  @Min(1)
  @Max(1000)
  maxEvents: number;

  @ApiProperty({ minimum: 0.1, maximum: 300, example: 5 })
  @IsNumber()
  @Min(0.1)
  @Max(300)
  maxSeconds: number;
}

/** A webhook's own delivery settings: each within the platform's cap, each unset meaning the platform's. */
@ApiSchema({ name: 'WebhookDeliverySettings' })
export class DeliverySettingsDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 50, description: 'POSTs per second to this URL' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  ratePerSecond?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 100,
    maximum: 120000,
    description: 'An attempt without an answer in this time failed (ms)',
  })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(120_000)
  timeoutMs?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 3600,
    description: 'How long a delivery is retried (s)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600)
  retryWindowS?: number;
}

/** The body of POST and PUT /api/v1/webhooks (docs/outbound.md). */
@ApiSchema({ name: 'WebhookInput' })
export class WebhookDto {
  @ApiProperty({
    maxLength: 2048,
    description: 'Where to POST: http(s), and not a private or loopback address (the SSRF guard)',
    example: 'https://hooks.acme.example/daalu',
  })
  @IsString()
  @MaxLength(2048)
  url: string;

  @ApiPropertyOptional({ maxLength: 500, default: '', example: 'Ops channel' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiProperty({ type: () => TriggerDto })
  @IsObject()
  @ValidateNested()
  @Type(() => TriggerDto)
  trigger: TriggerDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: `Custom headers every delivery sends (at most ${CUSTOM_HEADER_LIMITS.maxHeaders}); their values are never shown again. On PUT, absent keeps them as they are`,
    example: { Authorization: 'Bearer tkt_…' },
  })
  @IsOptional()
  @IsObject()
  headers?: Record<string, unknown>;

  @ApiPropertyOptional({ type: () => TemplateDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TemplateDto)
  template?: TemplateDto;

  @ApiPropertyOptional({ type: () => BatchDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BatchDto)
  batch?: BatchDto;

  @ApiPropertyOptional({ type: () => DeliverySettingsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DeliverySettingsDto)
  delivery?: DeliverySettingsDto;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/**
 * What decorators cannot say: a trigger at all, an event type glob that matches in bounded time, custom
 * headers every delivery can send (HTTP tokens for names, visible ASCII for values, none the dispatcher
 * or the connection sets), a template within its bounds, and text that can be stored (no NUL, no lone
 * surrogate) anywhere. Each error names its field: `headers.<Name>`, `trigger.events.type`, `url`...
 */
export function webhookProblems(dto: WebhookDto): FieldError[] {
  const errors: FieldError[] = [];
  for (const [value, field] of [
    [dto.url, 'url'],
    [dto.description, 'description'],
    [dto.trigger, 'trigger'],
    [dto.template?.fields, 'template.fields'],
  ] as const) {
    const problem = findTextProblem(value, field);
    if (problem) errors.push({ field: problem.path, message: problem.reason });
  }
  if (!dto.trigger?.alerts && !dto.trigger?.proposals && !dto.trigger?.events) {
    errors.push({ field: 'trigger', message: 'give alerts, proposals and/or events (events: {} is every event)' });
  }
  const type = dto.trigger?.events?.type;
  const globReason = typeof type === 'string' ? globProblem(type) : null;
  if (globReason) errors.push({ field: 'trigger.events.type', message: globReason });
  // The values of payload conditions, checked as the alert rules API checks them.
  errors.push(...payloadConditionProblems(dto.trigger?.events?.payload, 'trigger.events'));

  const headers = dto.headers ?? {};
  if (Object.keys(headers).length > CUSTOM_HEADER_LIMITS.maxHeaders)
    errors.push({ field: 'headers', message: `at most ${CUSTOM_HEADER_LIMITS.maxHeaders} custom headers` });
  for (const { name, reason } of customHeadersProblems(headers))
    errors.push({ field: `headers.${sanitizeText(name)}`, message: reason });

  if (dto.template) {
    for (const reason of templateProblems(dto.template.fields))
      errors.push({ field: 'template.fields', message: reason });
  }
  return errors;
}

export function toWebhookSpec(dto: WebhookDto): WebhookSpec {
  const { alerts, proposals, events } = dto.trigger;
  return {
    url: dto.url,
    description: dto.description ?? '',
    trigger: {
      ...(alerts
        ? {
            alerts: {
              ...(alerts.minSeverity ? { minSeverity: alerts.minSeverity } : {}),
              states: [...new Set(alerts.states)],
            },
          }
        : {}),
      ...(proposals
        ? {
            proposals: {
              ...(proposals.kinds ? { kinds: proposals.kinds } : {}),
              states: [...new Set(proposals.states)],
            },
          }
        : {}),
      ...(events
        ? {
            events: {
              ...(events.type ? { type: events.type } : {}),
              ...(events.module ? { module: events.module } : {}),
              ...(events.source ? { source: events.source } : {}),
              ...(events.minSeverity ? { minSeverity: events.minSeverity } : {}),
              ...(events.payload ? { payload: toPayloadConditionSpecs(events.payload) } : {}),
            },
          }
        : {}),
    },
    enabled: dto.enabled ?? true,
    ...(dto.template ? { template: { fields: dto.template.fields } } : {}),
    ...(dto.batch ? { batch: { maxEvents: dto.batch.maxEvents, maxSeconds: dto.batch.maxSeconds } } : {}),
    ...(dto.delivery ? { delivery: deliverySettings(dto.delivery) } : {}),
  };
}

function deliverySettings(dto: DeliverySettingsDto): NonNullable<WebhookSpec['delivery']> {
  return {
    ...(dto.ratePerSecond !== undefined ? { ratePerSecond: dto.ratePerSecond } : {}),
    ...(dto.timeoutMs !== undefined ? { timeoutMs: dto.timeoutMs } : {}),
    ...(dto.retryWindowS !== undefined ? { retryWindowS: dto.retryWindowS } : {}),
  };
}
