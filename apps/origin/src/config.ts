import { join } from 'node:path';
import { Expose, Type } from 'class-transformer';
import { IsIn, IsInt, IsString, IsUrl, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import ipaddr from 'ipaddr.js';
import { LOG_LEVELS } from '@daalu/platform/config';
import { SSE_HEARTBEAT_MS } from './limits';

const upstream = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** A number setting no larger than another one of the same config (e.g. a timeout inside another). */
function NotAbove(other: keyof OriginConfig, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'notAbove',
      constraints: [other],
      validator: {
        validate: (value, args) =>
          typeof value === 'number' && value <= Number((args!.object as Record<string, unknown>)[other]),
        defaultMessage: (args) =>
          `must not exceed ${other} (${String((args!.object as Record<string, unknown>)[other])})`,
      },
    },
    options,
  );
}

/** Empty, or addresses and CIDR ranges separated by commas. */
function IsAddressList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAddressList',
      validator: {
        validate: (value) =>
          typeof value === 'string' &&
          (value.trim() === '' ||
            value.split(',').every((entry) => {
              const item = entry.trim();
              return item.includes('/') ? ipaddr.isValidCIDR(item) : ipaddr.isValid(item);
            })),
        defaultMessage: () => 'must be empty or IP addresses / CIDR ranges separated by commas',
      },
    },
    options,
  );
}

/**
 * The one local origin: where each app is, where to listen (DAALU_PORT, default 8080), and what it
 * enforces on the way through (docs/origin.md: body size, timeouts, per-client and total caps).
 */
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

  /** Concurrent requests (not streams) one client address may have in flight; more get 503. */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @NotAbove('DAALU_ORIGIN_MAX_REQUESTS')
  DAALU_ORIGIN_MAX_REQUESTS_PER_CLIENT: number = 64;

  /** Concurrent open event streams (SSE) one client address may have; more get 503. */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @NotAbove('DAALU_ORIGIN_MAX_STREAMS')
  DAALU_ORIGIN_MAX_STREAMS_PER_CLIENT: number = 16;

  /** Requests in flight through this origin, all clients together (also each app's connection pool). */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  DAALU_ORIGIN_MAX_REQUESTS: number = 1024;

  /** Open event streams through this origin, all clients together (the streams' own connection pool). */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  DAALU_ORIGIN_MAX_STREAMS: number = 1024;

  /** Time a client has to send a request's headers (then 408 and the connection closes). */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @NotAbove('DAALU_ORIGIN_REQUEST_TIMEOUT_MS')
  DAALU_ORIGIN_HEADERS_TIMEOUT_MS: number = 10_000;

  /** Time a client has to send a whole request, body included (then 408 and the connection closes). */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  DAALU_ORIGIN_REQUEST_TIMEOUT_MS: number = 10_000;

  /**
   * How long an idle keep-alive connection stays open between requests. Above the 60 s a proxy in
   * front (ingress-nginx, most load balancers) keeps its idle connections, so it never reuses one the
   * origin is closing.
   */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  DAALU_ORIGIN_KEEP_ALIVE_TIMEOUT_MS: number = 65_000;

  /**
   * A connection with no traffic either way for this long is closed, request in flight or not.
   * Must leave room for an event stream's heartbeat (one every 15 s).
   */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(2 * SSE_HEARTBEAT_MS)
  @Max(3_600_000)
  DAALU_ORIGIN_IDLE_TIMEOUT_MS: number = 60_000;

  /** How long an app has to start answering a request (and between two pieces of its answer): then 503. */
  @Expose()
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  DAALU_ORIGIN_UPSTREAM_TIMEOUT_MS: number = 30_000;

  /**
   * Proxies whose X-Forwarded-For the origin believes, as addresses or CIDR ranges separated by commas
   * (e.g. a Kubernetes Ingress controller's pod range). Empty (the default): the origin is the public
   * door and each connection's own address is the client the per-client caps count.
   */
  @Expose()
  @IsAddressList()
  DAALU_ORIGIN_TRUST_PROXY = '';
}
