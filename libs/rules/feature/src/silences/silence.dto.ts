import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { SEVERITIES, type Severity } from '@daalu/contracts';
import { PayloadConditionDto, PayloadConditionsProperty } from '@daalu/shared/conditions/dto';

/** Printable text: no NUL (PostgreSQL refuses it) and no lone surrogate. */
const TEXT = /^[^\u0000\uD800-\uDFFF]*$/;

@ApiSchema({ name: 'SilenceMatchers', description: 'Every given matcher must hold; none given: every alert' })
export class SilenceMatchersDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Alerts of this rule' })
  @IsOptional()
  @IsUUID('all', { message: 'ruleId must be a rule id (UUID)' })
  ruleId?: string;

  @ApiPropertyOptional({ enum: SEVERITIES, enumName: 'Severity' })
  @IsOptional()
  @IsIn(SEVERITIES as unknown as string[], { message: `severity must be one of ${SEVERITIES.join(', ')}` })
  severity?: Severity;

  @ApiPropertyOptional({ maxLength: 1024, description: 'Alerts of this group (the groupBy value)', example: 'db-1' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  @Matches(TEXT, { message: 'groupKey must be text without NUL' })
  groupKey?: string;

  @PayloadConditionsProperty('Conditions on the payload of the event that fires the alert (absence alerts have none)')
  payload?: PayloadConditionDto[];
}

@ApiSchema({ name: 'CreateSilence' })
export class CreateSilenceDto {
  @ApiProperty({ type: () => SilenceMatchersDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SilenceMatchersDto)
  matchers: SilenceMatchersDto;

  @ApiPropertyOptional({ format: 'date-time', description: 'From when; now when absent' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'startsAt must be an RFC 3339 date-time' })
  startsAt?: string;

  @ApiProperty({ format: 'date-time', description: 'Until when: after startsAt, at most 30 days after it' })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'endsAt must be an RFC 3339 date-time' })
  endsAt: string;

  @ApiPropertyOptional({ maxLength: 1000, example: 'disk swap on db-1' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @Matches(TEXT, { message: 'comment must be text without NUL' })
  comment?: string;
}

@ApiSchema({ name: 'Silence' })
export class SilenceView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['pending', 'active', 'expired'] })
  state: 'pending' | 'active' | 'expired';

  @ApiProperty({ type: () => SilenceMatchersDto })
  matchers: SilenceMatchersDto;

  @ApiProperty({ format: 'date-time' })
  startsAt: string;

  @ApiProperty({ format: 'date-time' })
  endsAt: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When someone ended it early' })
  expiredAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ example: 'alice (dat_Zz9k…)' })
  createdBy: string;

  @ApiProperty({ type: 'string', nullable: true })
  expiredBy: string | null;

  @ApiProperty()
  comment: string;
}

@ApiSchema({ name: 'SilenceList' })
export class SilenceListView {
  @ApiProperty({ type: () => [SilenceView], description: 'Latest end first, at most 500' })
  items: SilenceView[];
}
