import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { PAYLOAD_OPS, type PayloadConditionSpec, type PayloadOp } from '@daalu/contracts';
import {
  PAYLOAD_CONDITION_LIMITS,
  PAYLOAD_FIELD_MESSAGE,
  PAYLOAD_FIELD_PATTERN,
  PAYLOAD_OP_MESSAGE,
} from './condition-problems';

const { maxConditions, maxFieldLength, maxStringLength, maxInValues } = PAYLOAD_CONDITION_LIMITS;
const SCALAR = [{ type: 'string', maxLength: maxStringLength }, { type: 'number' }, { type: 'boolean' }];

/**
 * One payload condition in an API body: the shape (a path, a known operator); whether the value suits
 * the operator is `payloadConditionProblems`. The alert rules API (`match.payload`) and the webhooks API
 * (`trigger.events.payload`) both take this class, so both refuse a condition with the same words.
 */
@ApiSchema({ name: 'PayloadCondition' })
export class PayloadConditionDto {
  @ApiProperty({
    description: 'A path inside the payload, dotted for nested objects',
    maxLength: maxFieldLength,
    pattern: PAYLOAD_FIELD_PATTERN.source,
    example: 'pct',
  })
  @IsString()
  @MaxLength(maxFieldLength)
  @Matches(PAYLOAD_FIELD_PATTERN, { message: PAYLOAD_FIELD_MESSAGE })
  field: string;

  @ApiProperty({ enum: PAYLOAD_OPS, example: 'gte' })
  @IsIn(PAYLOAD_OPS as unknown as string[], { message: PAYLOAD_OP_MESSAGE })
  op: PayloadOp;

  @ApiPropertyOptional({
    description: `A string (at most ${maxStringLength} characters), number or boolean; an array of 1 to ${maxInValues} of them for \`in\`; a number for \`gt\`, \`gte\`, \`lt\`, \`lte\`; absent for \`exists\``,
    anyOf: [...SCALAR, { type: 'array', minItems: 1, maxItems: maxInValues, items: { anyOf: SCALAR } }],
    example: 90,
  })
  @IsOptional()
  value?: unknown;
}

/**
 * The decorators of an optional list of payload conditions (`payload` of a rule's match, of a webhook's
 * event trigger): at most 20, each a `PayloadConditionDto`, in the OpenAPI document with `description`.
 */
export function PayloadConditionsProperty(description: string): PropertyDecorator {
  // In the order stacked decorators run (bottom first), so errors come out as they did when stacked.
  return applyDecorators(
    Type(() => PayloadConditionDto),
    ValidateNested({ each: true }),
    ArrayMaxSize(maxConditions),
    IsArray(),
    IsOptional(),
    ApiPropertyOptional({ type: () => [PayloadConditionDto], maxItems: maxConditions, description }),
  );
}

/** The conditions of a validated DTO as the contract's spec (a `value` only where given). */
export function toPayloadConditionSpecs(conditions: readonly PayloadConditionDto[]): PayloadConditionSpec[] {
  return conditions.map((c) => ({
    field: c.field,
    op: c.op,
    ...(c.value !== undefined ? { value: c.value as PayloadConditionSpec['value'] } : {}),
  }));
}
