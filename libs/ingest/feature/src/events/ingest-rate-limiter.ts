import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from '@nats-io/nats-core';
import type { Subjects } from '@daalu/contracts';
import { NatsClient, SUBJECTS } from '@daalu/platform/jetstream';
import { LOGGER, type Logger } from '@daalu/platform/observability';
import { TokenBucket } from '@daalu/ingest/domain';
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

interface ConsumptionReport {
  instance: string;
  counts: Record<string, number>;
}

const EXCHANGE_INTERVAL_MS = 100;

/**
 * 10 POSTs/s per tenant (its ingest key), as a token bucket, across all gateway replicas: each replica
 * admits from its own bucket (no network round trip per request) and tells the others, every 100 ms
 * over core NATS, what it admitted; they debit their buckets. The limit therefore holds for the sum of
 * all replicas, overshooting by at most one exchange interval's worth of requests.
 */
@Injectable()
export class IngestRateLimiter implements OnModuleInit, OnModuleDestroy {
  private readonly buckets = new Map<string, TokenBucket>();
  private pending = new Map<string, number>();
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly client: NatsClient,
    private readonly directory: CredentialDirectory,
    private readonly clock: Clock,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
    @Inject(INGEST_OPTIONS) private readonly options: IngestOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.subscription = this.client.nc.subscribe(this.subjects.ingestRateLimit, {
      callback: (error, msg) => {
        if (error) return;
        try {
          const report = msg.json<ConsumptionReport>();
          if (report.instance === this.options.instanceId) return;
          const now = this.clock.now();
          for (const [tenantId, count] of Object.entries(report.counts)) this.bucket(tenantId, now).debit(count, now);
        } catch (parseError) {
          this.logger.warn({ err: parseError }, 'ignored a malformed rate-limit report');
        }
      },
    });
    this.timer = setInterval(() => this.exchange(), EXCHANGE_INTERVAL_MS);
    this.timer.unref();
    this.directory.onTenantChanged((tenantId) => {
      const bucket = this.buckets.get(tenantId);
      if (bucket) {
        const { perSecond, burst } = this.limitOf(tenantId);
        bucket.configure(perSecond, burst);
      }
    });
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.exchange();
    this.subscription?.unsubscribe();
  }

  take(tenantId: string): RateDecision {
    const now = this.clock.now();
    const bucket = this.bucket(tenantId, now);
    const result = bucket.take(now);
    if (result.allowed) this.pending.set(tenantId, (this.pending.get(tenantId) ?? 0) + 1);
    return { ...result, limit: bucket.limit.perSecond };
  }

  private bucket(tenantId: string, now: number): TokenBucket {
    let bucket = this.buckets.get(tenantId);
    if (!bucket) {
      const { perSecond, burst } = this.limitOf(tenantId);
      bucket = new TokenBucket(perSecond, burst, now);
      this.buckets.set(tenantId, bucket);
    }
    return bucket;
  }

  private limitOf(tenantId: string): { perSecond: number; burst: number } {
    return (
      this.directory.tenant(tenantId)?.rateLimit ?? {
        perSecond: this.options.ratePerSecond,
        burst: this.options.rateBurst,
      }
    );
  }

  private exchange(): void {
    if (this.pending.size === 0 || !this.client.isConnected) return;
    const report: ConsumptionReport = { instance: this.options.instanceId, counts: Object.fromEntries(this.pending) };
    this.pending = new Map();
    this.client.nc.publish(this.subjects.ingestRateLimit, JSON.stringify(report));
  }
}
