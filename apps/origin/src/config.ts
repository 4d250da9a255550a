import { join } from 'node:path';
import { Expose, Type } from 'class-transformer';
import { IsIn, IsInt, IsString, IsUrl, Max, Min } from 'class-validator';
import { LOG_LEVELS } from '@daalu/platform/config';

const upstream = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** The one local origin: where each app is, and where to listen (DAALU_PORT, default 8080). */
export class OriginConfig {
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  DAALU_PORT: number = 8080;

  @Expose()
  @IsString()
  HOST = '0.0.0.0';

  @Expose()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @Expose()
  @IsUrl(upstream)
  DAALU_GATEWAY_URL = 'http://127.0.0.1:8081';

  @Expose()
  @IsUrl(upstream)
  DAALU_TIMELINE_URL = 'http://127.0.0.1:8082';

  @Expose()
  @IsUrl(upstream)
  DAALU_RULES_URL = 'http://127.0.0.1:8083';

  @Expose()
  @IsUrl(upstream)
  DAALU_OUTBOUND_URL = 'http://127.0.0.1:8084';

  /**
   * Whether /health/ready waits for every app (`true`: one machine, compose) or only answers for the
   * origin itself (`false`: Kubernetes, where each app has its own readiness and Services).
   */
  @Expose()
  @IsIn(['true', 'false'])
  DAALU_READY_REQUIRES_UPSTREAMS: 'true' | 'false' = 'true';

  /** The built web console (`npm run build` puts it beside the origin in dist/apps/console). */
  @Expose()
  @IsString()
  DAALU_CONSOLE_DIR = join(__dirname, '..', '..', 'console');
}
