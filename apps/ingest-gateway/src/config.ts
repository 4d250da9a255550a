import { Expose, Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateIf } from 'class-validator';
import { PlatformConfig } from '@daalu/platform/config';

/** Settings of the ingest gateway. */
export class IngestGatewayConfig extends PlatformConfig {
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 8081;

  /**
   * Operator bearer tokens (tenant administration), comma-separated: every one listed is accepted, so an
   * operator token is rotated without downtime (add the new one, move clients, remove the old one).
   * Required in production; development makes one up.
   */
  @Expose()
  @ValidateIf((c: IngestGatewayConfig) => c.NODE_ENV === 'production' || c.DAALU_OPERATOR_TOKEN !== undefined)
  @IsString()
  @Matches(/^\s*[^,\s]{16,}\s*(,\s*[^,\s]{16,}\s*)*$/, {
    message:
      'DAALU_OPERATOR_TOKEN must be one or more tokens of at least 16 characters each, comma-separated (required in production)',
  })
  DAALU_OPERATOR_TOKEN?: string;

  /** How long a rotated-out ingest key keeps working. */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  DAALU_KEY_GRACE_S: number = 86_400;

  @Expose()
  @Type(() => Number)
  @IsNumber()
  @Min(0.1)
  DAALU_INGEST_RATE_PER_SECOND: number = 10;

  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  DAALU_INGEST_BURST: number = 10;

  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(60)
  DAALU_IDEMPOTENCY_TTL_S: number = 86_400;

  /** JetStream must store an event within this, or the request gets 503 (keeps every answer under 2 s). */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(10_000)
  DAALU_PUBLISH_TIMEOUT_MS: number = 1000;

  /** Where senders reach Daalu (shown on the detail page). */
  @Expose()
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  DAALU_PUBLIC_URL: string = 'http://localhost:8080';

  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  DAALU_HISTORY_RETENTION_DAYS: number = 30;
}
