import { Expose, Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { PlatformConfig } from '@daalu/platform/config';

/** Settings of the timeline projector. */
export class TimelineProjectorConfig extends PlatformConfig {
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 8082;

  /** Days an entry stays on the timeline (whole day partitions are dropped after it). */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  DAALU_TIMELINE_RETENTION_DAYS: number = 30;
}
