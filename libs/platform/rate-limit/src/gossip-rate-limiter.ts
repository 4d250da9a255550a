import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { TokenBucket } from './token-bucket';

interface ConsumptionReport {
  instance: string;
  counts: Record<string, number>;
}

export interface GossipRateLimiterOptions {
  /** Core NATS subject the replicas of one app share their consumption on. */
  subject: string;
  /** This replica's id (its own reports are ignored). */
  instanceId: string;
  /** The limit of a key (asked when its bucket is made, and again on `reconfigure`). */
  limitOf(key: string): { perSecond: number; burst: number };
  now?: () => number;
  /** How often consumption is told to the others (ms). */
  intervalMs?: number;
}

export interface Take {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
  resetSeconds: number;
  limit: number;
  /** How long until a token is there (ms; 0 when allowed). */
  waitMs: number;
}

/**
 * A limit per key (a tenant's ingest key, a receiver's URL) that holds across every replica of an app:
 * each replica takes from its own token bucket (no network round trip per request) and tells the
 * others, every 100 ms over core NATS, what it took; they debit their buckets. The limit holds for the
 * sum of all replicas, overshooting by at most one interval's worth.
 */
export class GossipRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private pending = new Map<string, number>();
  private readonly subscription: Subscription;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(
    private readonly nc: () => NatsConnection | undefined,
    private readonly options: GossipRateLimiterOptions,
    private readonly logger: Logger,
  ) {
    this.now = options.now ?? Date.now;
    this.subscription = nc()!.subscribe(options.subject, {
      callback: (error, msg) => {
        if (error) return;
        try {
          const report = msg.json<ConsumptionReport>();
          if (report.instance === options.instanceId) return;
          const now = this.now();
          for (const [key, count] of Object.entries(report.counts)) this.bucket(key, now).debit(count, now);
        } catch (parseError) {
          this.logger.warn({ err: parseError, subject: options.subject }, 'ignored a malformed rate-limit report');
        }
      },
    });
    this.timer = setInterval(() => this.exchange(), options.intervalMs ?? 100);
    this.timer.unref();
  }

  take(key: string): Take {
    const now = this.now();
    const bucket = this.bucket(key, now);
    const result = bucket.take(now);
    if (result.allowed) this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    const { perSecond } = bucket.limit;
    return { ...result, limit: perSecond, waitMs: result.allowed ? 0 : Math.ceil((result.missing / perSecond) * 1000) };
  }

  /** The key's limit changed (an operator raised it): its bucket takes the new one. */
  reconfigure(key: string): void {
    const bucket = this.buckets.get(key);
    if (bucket) {
      const { perSecond, burst } = this.options.limitOf(key);
      bucket.configure(perSecond, burst);
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.exchange();
    this.subscription.unsubscribe();
  }

  private bucket(key: string, now: number): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const { perSecond, burst } = this.options.limitOf(key);
      bucket = new TokenBucket(perSecond, burst, now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private exchange(): void {
    const nc = this.nc();
    if (this.pending.size === 0 || !nc || nc.isClosed()) return;
    const report: ConsumptionReport = { instance: this.options.instanceId, counts: Object.fromEntries(this.pending) };
    this.pending = new Map();
    nc.publish(this.options.subject, JSON.stringify(report));
  }
}
