import { Expose, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { PlatformConfig } from '@daalu/platform/config';

const KEY = /^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/;
const KEYS = /^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)(,([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=))*$/;
const CIDRS = /^[0-9a-fA-F:.]+\/\d{1,3}(,[0-9a-fA-F:.]+\/\d{1,3})*$/;

/** Settings of the outbound dispatcher. */
export class OutboundDispatcherConfig extends PlatformConfig {
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 8084;

  /**
   * The key signing secrets and custom header values are sealed with (32 bytes: 64 hex or base64).
   * Required in production; development uses a fixed, public development key (and says so).
   */
  @Expose()
  @ValidateIf((c: OutboundDispatcherConfig) => c.NODE_ENV === 'production' || c.DAALU_SECRET_KEY !== undefined)
  @IsString({ message: 'DAALU_SECRET_KEY is required in production' })
  @Matches(KEY, { message: 'DAALU_SECRET_KEY must be 32 bytes: 64 hex characters or 44 base64 characters' })
  DAALU_SECRET_KEY?: string;

  /** Older keys, comma-separated, still needed to open values sealed before a key rotation. */
  @Expose()
  @IsOptional()
  @Matches(KEYS, { message: 'DAALU_SECRET_KEYS_PREVIOUS must be keys like DAALU_SECRET_KEY, comma-separated' })
  DAALU_SECRET_KEYS_PREVIOUS?: string;

  /** CIDRs deliveries may reach despite the SSRF guard (development and tests: `127.0.0.0/8`). */
  @Expose()
  @IsOptional()
  @Matches(CIDRS, { message: 'DAALU_OUTBOUND_ALLOW must be CIDRs separated by commas, e.g. 127.0.0.0/8' })
  DAALU_OUTBOUND_ALLOW?: string;

  /** The first retry's wait (ms); each next one doubles it (with jitter). */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  DAALU_RETRY_BASE_MS: number = 5_000;

  /** How long retries go on from the first attempt (s): one hour. */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(7 * 86_400)
  DAALU_RETRY_WINDOW_S: number = 3_600;

  /** An attempt with no answer within this fails (ms); a replica that died mid-attempt is taken over after 3x this. */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  DAALU_DELIVERY_TIMEOUT_MS: number = 10_000;

  /**
   * Graceful shutdown waits this long for in-flight deliveries: longer than an attempt's timeout, so a
   * replica stopped mid-attempt records the answer instead of leaving it to be taken over.
   */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  override DAALU_SHUTDOWN_GRACE_MS: number = 20_000;

  /** POSTs per second to one receiver URL, across all dispatcher replicas; excess waits. */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  DAALU_OUTBOUND_RATE_PER_URL: number = 50;

  /**
   * Deliveries unacknowledged at once on the shared consumer, across all replicas: those being sent and
   * those waiting for their next retry. When it is reached, no new delivery starts until one finishes.
   */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(1_000_000)
  DAALU_DISPATCH_MAX_ACK_PENDING: number = 20_000;

  /**
   * A webhook whose attempts have all failed for this long (s), without a success, is disabled
   * automatically (five days); its later deliveries are kept as `skipped`.
   */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(365 * 86_400)
  DAALU_DISABLE_AFTER_S: number = 5 * 86_400;

  /** How long a rotated-out signing secret keeps signing (s). */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(30 * 86_400)
  DAALU_KEY_GRACE_S: number = 86_400;
}
