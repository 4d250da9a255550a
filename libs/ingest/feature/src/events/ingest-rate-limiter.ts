import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subjects } from '@daalu/contracts';
import { NatsClient, SUBJECTS } from '@daalu/platform/jetstream';
import { LOGGER, type Logger } from '@daalu/platform/observability';
import { GossipRateLimiter } from '@daalu/platform/rate-limit';
import { CredentialDirectory } from '../credentials/credential-directory';
import { Clock } from '../shared/clock';
import { INGEST_OPTIONS, type IngestOptions } from '../shared/ingest-options';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  retryAfterSeconds: number;
  resetSeconds: number;
}

/**
 * 10 POSTs/s per tenant (its ingest key), as a token bucket, across all gateway replicas (the shared
 * GossipRateLimiter: each replica admits from its own bucket and tells the others every 100 ms). An
 * operator's raised limit for a tenant takes effect on every replica as the fact arrives.
 */
@Injectable()
export class IngestRateLimiter implements OnModuleInit, OnModuleDestroy {
  private limiter?: GossipRateLimiter;

  constructor(
    private readonly client: NatsClient,
    private readonly directory: CredentialDirectory,
    private readonly clock: Clock,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
    @Inject(INGEST_OPTIONS) private readonly options: IngestOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.limiter = new GossipRateLimiter(
      () => this.client.nc,
      {
        subject: this.subjects.ingestRateLimit,
        instanceId: this.options.instanceId,
        limitOf: (tenantId) =>
          this.directory.tenant(tenantId)?.rateLimit ?? {
            perSecond: this.options.ratePerSecond,
            burst: this.options.rateBurst,
          },
        now: () => this.clock.now(),
      },
      this.logger,
    );
    this.directory.onTenantChanged((tenantId) => this.limiter?.reconfigure(tenantId));
  }

  onModuleDestroy(): void {
    this.limiter?.close();
  }

  take(tenantId: string): RateDecision {
    const { allowed, limit, remaining, retryAfterSeconds, resetSeconds } = this.limiter!.take(tenantId);
    return { allowed, limit, remaining, retryAfterSeconds, resetSeconds };
  }
}
