import { Expose, Type } from 'class-transformer';
import { IsIn, IsInt, IsString, IsUrl, Matches, Max, Min, ValidateIf } from 'class-validator';
import { NAMESPACE_PATTERN } from '@daalu/contracts';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Settings every app reads. Each app extends this with its own (and its own default PORT). */
export class PlatformConfig {
  @Expose()
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @Expose()
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/daalu';

  @Expose()
  @IsString()
  @Matches(/^(nats|tls):\/\/[^\s,]+(,(nats|tls):\/\/[^\s,]+)*$/, {
    message: 'must be one or more nats:// or tls:// URLs separated by commas',
  })
  NATS_URL = 'nats://127.0.0.1:4222';

  /** Prefix of every subject and stream name: lets test suites and installations share one NATS. */
  @Expose()
  @Matches(NAMESPACE_PATTERN, { message: `must match ${NAMESPACE_PATTERN}` })
  DAALU_NAMESPACE = 'daalu';

  /**
   * Copies of every stream (and of the gateway's idempotency bucket) JetStream keeps: 1 on a single
   * NATS server, 3 on a NATS cluster (see deploy/nats/README.md). Raising it on a cluster scales the
   * existing streams up at the next start.
   */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  DAALU_STREAM_REPLICAS: number = 1;

  @Expose()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @Expose()
  @IsString()
  HOST = '0.0.0.0';

  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 0;

  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  DAALU_EVENT_RETENTION_DAYS: number = 30;

  /** How long graceful shutdown may take to finish in-flight work before the process exits anyway. */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  DAALU_SHUTDOWN_GRACE_MS: number = 10_000;

  /** Messages applied per projection transaction. */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  DAALU_PROJECTION_BATCH: number = 500;

  /** Messages applied per transaction by the `rebuild` command (throughput matters there, not latency). */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50_000)
  DAALU_REBUILD_BATCH: number = 5000;

  /**
   * A consumer with messages waiting whose position has not moved for this long is stalled: the app
   * turns not ready and daalu_consumer_stalled is 1. 0 switches the check off.
   */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  DAALU_STALL_AFTER_S: number = 60;

  /** Set to false to boot without consuming (used by the rebuild command). */
  @Expose()
  @ValidateIf((c: PlatformConfig) => c.DAALU_CONSUMERS !== undefined)
  @IsIn(['true', 'false'])
  DAALU_CONSUMERS: 'true' | 'false' = 'true';
}
