import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AlertRuleSpecSchema, SEVERITIES, type AlertRuleSpec, type Severity } from '@daalu/contracts';
import type { FieldError } from '@daalu/platform/http';
import { DEDUP_FIELD_PATTERN, GROUP_BY_PATTERN, scheduleProblem, unknownPlaceholders } from '@daalu/rules/domain';
import { payloadConditionProblems } from '@daalu/shared/conditions';
import { PayloadConditionDto, PayloadConditionsProperty, toPayloadConditionSpecs } from '@daalu/shared/conditions/dto';
import { globProblem } from '@daalu/shared/text';

const TYPE_GLOB = /^[^\s\u0000-\u001f\u007f]{1,128}$/;

@ApiSchema({ name: 'Match', description: 'Which events a rule looks at: every given condition must hold' })
export class MatchDto {
  @ApiPropertyOptional({
    description: 'An exact type, or a glob with `*` (`deploy.*`)',
    minLength: 1,
    maxLength: 128,
    pattern: TYPE_GLOB.source,
    example: 'check.failed',
  })
  @IsOptional()
  @IsString()
  @Matches(TYPE_GLOB, { message: 'type must be 1 to 128 characters without spaces; * matches any run' })
  type?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 64, example: 'custom' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  module?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 128, example: 'nightly-cron' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  source?: string;

  @ApiPropertyOptional({ enum: SEVERITIES, enumName: 'Severity', example: 'warning' })
  @IsOptional()
  @IsIn(SEVERITIES as unknown as string[], { message: `minSeverity must be one of ${SEVERITIES.join(', ')}` })
  minSeverity?: Severity;

  @PayloadConditionsProperty('Conditions on the payload')
  payload?: PayloadConditionDto[];
}

@ApiSchema({ name: 'Threshold' })
export class ThresholdDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100_000, example: 3 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  count: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 7 * 86_400, example: 600 })
  @IsInt()
  @Min(1)
  @Max(7 * 86_400)
  windowSeconds: number;
}

@ApiSchema({ name: 'RuleAlert', description: 'The alert a rule fires' })
export class AlertDto {
  @ApiProperty({ enum: SEVERITIES, enumName: 'Severity', example: 'critical' })
  @IsIn(SEVERITIES as unknown as string[], { message: `severity must be one of ${SEVERITIES.join(', ')}` })
  severity: Severity;

  @ApiProperty({
    minLength: 1,
    maxLength: 1024,
    description:
      'With placeholders: `{{payload.<path>}}`, `{{type}}`, `{{source}}`, `{{module}}`, `{{summary}}`, `{{count}}`',
    example: 'disk almost full on {{payload.host}}',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  summary: string;
}

@ApiSchema({ name: 'Resolve', description: 'When a match alert resolves: give either match or quietSeconds' })
export class ResolveDto {
  @ApiPropertyOptional({ type: () => MatchDto, description: 'On an event that matches this' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MatchDto)
  match?: MatchDto;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 30 * 86_400,
    description: 'After this long without a match',
    example: 900,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(30 * 86_400)
  quietSeconds?: number;
}

/** The body of POST and PUT /api/v1/alert-rules (the shapes in docs/rules.md). */
@ApiSchema({ name: 'AlertRuleInput' })
export class AlertRuleDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Backup disk almost full' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({
    enum: ['match', 'absence'],
    description:
      '`match`: fires on matching events; `absence` (dead-man’s switch, a heartbeat check): fires when none came ' +
      'for everySeconds (or by the next time of schedule) + graceSeconds',
    example: 'match',
  })
  @IsIn(['match', 'absence'], { message: 'kind must be match or absence' })
  kind: 'match' | 'absence';

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiProperty({ type: () => MatchDto })
  @IsObject()
  @ValidateNested()
  @Type(() => MatchDto)
  match: MatchDto;

  @ApiPropertyOptional({
    type: () => ThresholdDto,
    description: 'Only a match rule: at least count matches within windowSeconds',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ThresholdDto)
  threshold?: ThresholdDto;

  @ApiPropertyOptional({
    maxLength: 200,
    pattern: GROUP_BY_PATTERN.source,
    description: 'One alert per value of this: `type`, `module`, `source` or `payload.<path>`',
    example: 'payload.host',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(GROUP_BY_PATTERN, { message: 'groupBy must be type, module, source or payload.<path>' })
  groupBy?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    pattern: DEDUP_FIELD_PATTERN.source,
    description:
      'Where the sender’s dedup key is: an event with the same key there and `payload.eventAction: "resolve"` ' +
      'resolves the alert. `payload.dedupKey` when absent',
    example: 'payload.incidentKey',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(DEDUP_FIELD_PATTERN, { message: 'dedupKey must be payload.<path>' })
  dedupKey?: string;

  @ApiProperty({ type: () => AlertDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AlertDto)
  alert: AlertDto;

  @ApiPropertyOptional({ type: () => ResolveDto, description: 'Only a match rule' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ResolveDto)
  resolve?: ResolveDto;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 30 * 86_400,
    description: 'An absence rule (this or schedule): how often a matching event is expected',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(30 * 86_400)
  everySeconds?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 30 * 86_400,
    description: 'An absence rule: how late it may be (0 when absent)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(30 * 86_400)
  graceSeconds?: number;

  @ApiPropertyOptional({
    maxLength: 100,
    description:
      'An absence rule (this or everySeconds): a cron expression, 5 fields (`minute hour day month weekday`) ' +
      'or `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`: a ping is expected by each time it names',
    example: '0 3 * * *',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  schedule?: string;

  @ApiPropertyOptional({
    maxLength: 64,
    description: 'With schedule: the IANA time zone it is read in (UTC when absent); DST changes follow the zone',
    example: 'Europe/Berlin',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  timezone?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 7 * 86_400,
    description:
      'An absence rule: a run that sent its start signal (`<type>.started`) fires if no success or failure ' +
      'followed within this long',
    example: 3600,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(7 * 86_400)
  maxRunSeconds?: number;
}

/** Fields only an absence rule (a heartbeat check) has. */
const CHECK_FIELDS = ['everySeconds', 'graceSeconds', 'schedule', 'timezone', 'maxRunSeconds'] as const;

/** What decorators cannot say: which fields go with which kind, and values that suit their operator. */
export function ruleProblems(dto: AlertRuleDto): FieldError[] {
  const errors: FieldError[] = [];
  // The conditions' values, as the webhooks API checks them too (trigger.events.payload).
  const conditions = (match: MatchDto | undefined, at: string) =>
    errors.push(...payloadConditionProblems(match?.payload, at));
  // Bounded patterns: matching cost grows with a pattern's wildcards, and every event meets every rule.
  const typeGlob = (match: MatchDto | undefined, at: string) => {
    const reason = typeof match?.type === 'string' ? globProblem(match.type) : null;
    if (reason) errors.push({ field: `${at}.type`, message: `type ${reason}` });
  };
  conditions(dto.match, 'match');
  typeGlob(dto.match, 'match');
  if (dto.resolve?.match) {
    conditions(dto.resolve.match, 'resolve.match');
    typeGlob(dto.resolve.match, 'resolve.match');
  }
  for (const name of unknownPlaceholders(dto.alert?.summary ?? '')) {
    errors.push({ field: 'alert.summary', message: `unknown placeholder {{${name}}}` });
  }
  if (dto.kind === 'absence') {
    if ((dto.everySeconds === undefined) === (dto.schedule === undefined))
      errors.push({ field: 'everySeconds', message: 'an absence rule needs either everySeconds or schedule' });
    if (dto.timezone !== undefined && dto.schedule === undefined)
      errors.push({ field: 'timezone', message: 'timezone goes with schedule' });
    if (typeof dto.schedule === 'string') {
      const problem = scheduleProblem(dto.schedule, dto.timezone);
      if (problem) errors.push(problem);
    }
    for (const field of ['threshold', 'resolve'] as const) {
      if (dto[field] !== undefined) errors.push({ field, message: `an absence rule has no ${field}` });
    }
  } else {
    for (const field of CHECK_FIELDS) {
      if (dto[field] !== undefined) errors.push({ field, message: `only an absence rule has ${field}` });
    }
  }
  if (dto.resolve && (dto.resolve.match === undefined) === (dto.resolve.quietSeconds === undefined)) {
    errors.push({ field: 'resolve', message: 'give either match or quietSeconds' });
  }
  return errors;
}

const SPEC_CHECK = TypeCompiler.Compile(AlertRuleSpecSchema);

/**
 * The last word before a rule goes on the log: the contract's own schema. Whatever the decorators let
 * through that the schema refuses would be a fact every reader skips, so it is a 400 here instead.
 */
export function contractProblems(spec: AlertRuleSpec): FieldError[] {
  return [...SPEC_CHECK.Errors(spec)].map((error) => ({
    field: error.path.replace(/^\//, '').replace(/\//g, '.') || '(body)',
    message: error.message,
  }));
}

/** The validated DTO as the contract's spec (defaults filled, nothing extra). */
export function toSpec(dto: AlertRuleDto): AlertRuleSpec {
  const match = (m: MatchDto) => ({
    ...(m.type !== undefined ? { type: m.type } : {}),
    ...(m.module !== undefined ? { module: m.module } : {}),
    ...(m.source !== undefined ? { source: m.source } : {}),
    ...(m.minSeverity !== undefined ? { minSeverity: m.minSeverity } : {}),
    ...(m.payload ? { payload: toPayloadConditionSpecs(m.payload) } : {}),
  });
  return {
    name: dto.name,
    kind: dto.kind,
    enabled: dto.enabled ?? true,
    match: match(dto.match),
    ...(dto.threshold ? { threshold: { count: dto.threshold.count, windowSeconds: dto.threshold.windowSeconds } } : {}),
    ...(dto.groupBy ? { groupBy: dto.groupBy } : {}),
    ...(dto.dedupKey ? { dedupKey: dto.dedupKey } : {}),
    alert: { severity: dto.alert.severity, summary: dto.alert.summary },
    ...(dto.resolve?.match ? { resolve: { match: match(dto.resolve.match) } } : {}),
    ...(dto.resolve?.quietSeconds ? { resolve: { quietSeconds: dto.resolve.quietSeconds } } : {}),
    ...(dto.kind === 'absence'
      ? {
          ...(dto.schedule !== undefined
            ? { schedule: dto.schedule.trim(), timezone: dto.timezone ?? 'UTC' }
            : { everySeconds: dto.everySeconds }),
          graceSeconds: dto.graceSeconds ?? 0,
          ...(dto.maxRunSeconds !== undefined ? { maxRunSeconds: dto.maxRunSeconds } : {}),
        }
      : {}),
  };
}
