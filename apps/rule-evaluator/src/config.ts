import { Expose, Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { PlatformConfig } from '@daalu/platform/config';

/** Settings of the rule evaluator. */
export class RuleEvaluatorConfig extends PlatformConfig {
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 8083;

  /**
   * Events judged per transaction. Larger than the platform's 500: the evaluator's per-batch writes
   * (alerts, windows, facts) are shared by more events, and a batch only fills when events queue up,
   * so latency at ordinary rates is unchanged (a partial batch is applied after 2 ms).
   */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  override DAALU_PROJECTION_BATCH: number = 2000;

  /** Type globs of the change events a fired alert carries as context, comma-separated. */
  @Expose()
  @IsString()
  @Matches(/^[^\s,]+(,[^\s,]+)*$/, { message: 'must be type globs separated by commas, e.g. deploy.*,release.*' })
  DAALU_ALERT_CONTEXT_TYPES: string = 'deploy.*';

  /** How far back before an alert its context reaches (minutes). */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  DAALU_ALERT_CONTEXT_MINUTES: number = 30;
}
