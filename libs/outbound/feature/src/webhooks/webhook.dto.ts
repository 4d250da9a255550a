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
import { findTextProblem, globProblem, sanitizeText } from '@daalu/shared/text';

export class AlertTriggerDto {
  @IsOptional()
  @IsIn(SEVERITIES as unknown as string[], { message: `minSeverity must be one of ${SEVERITIES.join(', ')}` })
  minSeverity?: Severity;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @IsIn(['fired', 'resolved'], { each: true, message: 'states are fired and/or resolved' })
  states: Array<'fired' | 'resolved'>;
}

export class ProposalTriggerDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(64, { each: true })
  kinds?: string[];

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(['created', 'approved', 'rejected'], { each: true, message: 'states are created, approved and/or rejected' })
  states: Array<'created' | 'approved' | 'rejected'>;
}

export class EventTriggerDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  type?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  module?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  source?: string;

  @IsOptional()
  @IsIn(SEVERITIES as unknown as string[], { message: `minSeverity must be one of ${SEVERITIES.join(', ')}` })
  minSeverity?: Severity;
}

export class TriggerDto {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AlertTriggerDto)
  alerts?: AlertTriggerDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ProposalTriggerDto)
  proposals?: ProposalTriggerDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EventTriggerDto)
  events?: EventTriggerDto;
}

export class TemplateDto {
  @IsObject()
  fields: Record<string, unknown>;
}

export class BatchDto {
  @IsInt()
  @Min(1)
  @Max(1000)
  maxEvents: number;

  @IsNumber()
  @Min(0.1)
  @Max(300)
  maxSeconds: number;
}

/** The body of POST and PUT /api/v1/webhooks (docs/outbound.md). */
export class WebhookDto {
  @IsString()
  @MaxLength(2048)
  url: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @IsObject()
  @ValidateNested()
  @Type(() => TriggerDto)
  trigger: TriggerDto;

  @IsOptional()
  @IsObject()
  headers?: Record<string, unknown>;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TemplateDto)
  template?: TemplateDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BatchDto)
  batch?: BatchDto;

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
            },
          }
        : {}),
    },
    enabled: dto.enabled ?? true,
    ...(dto.template ? { template: { fields: dto.template.fields } } : {}),
    ...(dto.batch ? { batch: { maxEvents: dto.batch.maxEvents, maxSeconds: dto.batch.maxSeconds } } : {}),
  };
}
