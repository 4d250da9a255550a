import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** Deliveries a recovery may ask for again: the ones that ended without being delivered. */
export const RECOVERABLE_STATES = ['failed', 'skipped'] as const;

/** The body of `POST /api/v1/webhooks/:id/recover`. */
@ApiSchema({ name: 'RecoveryInput' })
export class RecoveryDto {
  @ApiProperty({
    format: 'date-time',
    description: 'Deliveries created at or after this',
    example: '2026-12-06T09:00:00Z',
  })
  @IsString()
  @MaxLength(40)
  since: string;

  @ApiPropertyOptional({
    type: [String],
    enum: RECOVERABLE_STATES,
    default: RECOVERABLE_STATES,
    description: 'Which deliveries: failed, skipped, or both',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @IsIn(RECOVERABLE_STATES, { each: true })
  status?: Array<(typeof RECOVERABLE_STATES)[number]>;
}

@ApiSchema({ name: 'RecoveryStarted' })
export class RecoveryStartedView {
  @ApiProperty({ format: 'uuid', description: 'Follow it with GET /api/v1/webhooks/:id/recoveries/:recoveryId' })
  id: string;

  @ApiProperty({ type: 'integer', description: 'Deliveries asked for again' })
  total: number;

  @ApiProperty({
    description: 'More deliveries matched than one recovery takes (100,000): ask again once this one is done',
  })
  more: boolean;
}

@ApiSchema({ name: 'Recovery' })
export class RecoveryView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  webhookId: string;

  @ApiProperty({ format: 'date-time' })
  since: string;

  @ApiProperty({ type: [String], enum: RECOVERABLE_STATES })
  status: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({
    enum: ['requesting', 'sending', 'done'],
    description: '`requesting`: deliveries still being queued at the webhook’s rate; `sending`: some still pending',
  })
  state: 'requesting' | 'sending' | 'done';

  @ApiProperty({ type: 'integer' })
  total: number;

  @ApiProperty({ type: 'integer', description: 'Queued so far' })
  requested: number;

  @ApiProperty({ type: 'integer', description: 'Delivered' })
  done: number;

  @ApiProperty({ type: 'integer', description: 'Failed again (their retry window over)' })
  failed: number;

  @ApiProperty({ type: 'integer' })
  pending: number;

  @ApiProperty({ type: 'integer', description: 'Skipped again (the webhook was disabled meanwhile)' })
  skipped: number;
}
