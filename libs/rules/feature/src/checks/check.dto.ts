import { ApiProperty, ApiSchema } from '@nestjs/swagger';

const CHECK_STATES = ['new', 'up', 'late', 'down', 'paused'] as const;
export type CheckStateName = (typeof CHECK_STATES)[number];
export { CHECK_STATES };

@ApiSchema({ name: 'CheckPing', description: 'One signal a check received' })
export class CheckPingView {
  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ enum: ['success', 'fail', 'start'], description: '`<type>`, `<type>.failed` (or critical), `<type>.started`' })
  kind: 'success' | 'fail' | 'start';

  @ApiProperty({ type: 'integer', nullable: true, description: 'The run it ended: ms since its start signal' })
  durationMs: number | null;
}

/** A heartbeat check: an absence rule in one group (the whole rule when it has no groupBy). */
@ApiSchema({ name: 'Check' })
export class CheckView {
  @ApiProperty({ format: 'uuid', description: 'The absence rule' })
  ruleId: string;

  @ApiProperty({ description: "The rule's name" })
  name: string;

  @ApiProperty({ type: 'string', nullable: true, description: 'The group (groupBy value); null for a rule without groupBy, or one with groupBy that heard nothing yet' })
  groupKey: string | null;

  @ApiProperty({
    enum: CHECK_STATES,
    description:
      '`new`: never pinged, not due yet; `up`; `late`: due, within grace; `down`: past grace, or a failure or a run too long fired; `paused` (or its rule disabled)',
  })
  state: CheckStateName;

  @ApiProperty({ type: 'integer', nullable: true })
  everySeconds: number | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'The cron schedule' })
  schedule: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: "The schedule's time zone" })
  timezone: string | null;

  @ApiProperty({ type: 'integer' })
  graceSeconds: number;

  @ApiProperty({ type: 'integer', nullable: true })
  maxRunSeconds: number | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'The last success ping' })
  lastSeenAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the next ping is due' })
  nextExpectedAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When it is down without one (due + grace)' })
  nextDeadlineAt: string | null;

  @ApiProperty({ type: 'integer', nullable: true, description: "The last finished run's duration (ms)" })
  lastDurationMs: number | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'A run started and not finished' })
  runningSince: string | null;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'The alert firing for it' })
  alertId: string | null;

  @ApiProperty({ type: () => [CheckPingView], description: 'The last 20 signals, oldest first' })
  pings: CheckPingView[];
}

@ApiSchema({ name: 'CheckList' })
export class CheckListView {
  @ApiProperty({ type: () => [CheckView], description: 'By rule name, then group' })
  items: CheckView[];

  @ApiProperty({ type: 'string', nullable: true, description: 'Pass as `cursor` for the next page' })
  nextCursor: string | null;
}
