import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ConsumerMessages } from '@nats-io/jetstream';
import { decodeConfigFact, type ConfigFact } from '@daalu/contracts';
import { NatsClient, sleep, STREAM_NAMES, type StreamNames } from '@daalu/platform/jetstream';
import { LOGGER, Readiness, type Logger } from '@daalu/platform/observability';
import { hashToken } from '@daalu/ingest/domain';
import { Clock } from '../shared/clock';

interface KeyEntry {
  tenantId: string;
  keyId: string;
  /** Epoch ms after which a rotated-out key stops working; null while current. */
  expiresAt: number | null;
}

export interface TenantEntry {
  id: string;
  name: string;
  createdAt: string;
  rateLimit: { perSecond: number; burst: number } | null;
  currentKey: { keyId: string; prefix: string; issuedAt: string } | null;
  /** Stream sequence of the tenant's last ingest-key fact (for optimistic concurrency on rotation). */
  keySubjectSequence: number;
}

/**
 * The gateway's in-memory projection of the CONFIG stream: which key hash and API-token hash belong to
 * which tenant, and each tenant's limits. Rebuilt from the stream at every start (an ordered consumer
 * from the first message), so a request never needs a database round trip; every replica sees a
 * rotation within milliseconds. Ready once it has applied what was on the stream at start.
 */
@Injectable()
export class CredentialDirectory implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly keys = new Map<string, KeyEntry>();
  private readonly apiTokens = new Map<string, string>();
  private readonly tenants = new Map<string, TenantEntry>();
  private readonly keyById = new Map<string, string>();
  private lastSequence = 0;
  private targetSequence = Number.POSITIVE_INFINITY;
  private messages?: ConsumerMessages;
  private readonly abort = new AbortController();
  private readonly listeners = new Set<(tenantId: string) => void>();

  constructor(
    private readonly client: NatsClient,
    @Inject(STREAM_NAMES) private readonly streams: StreamNames,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    readiness: Readiness,
  ) {
    readiness.register('credentials', () =>
      this.caughtUp
        ? { ok: true }
        : { ok: false, detail: `loading credentials: at ${this.lastSequence} of ${this.targetSequence}` },
    );
  }

  get caughtUp(): boolean {
    return this.lastSequence >= this.targetSequence;
  }

  /** Resolves the tenant of an ingest key (null: unknown, or rotated out and past its grace period). */
  tenantForIngestKey(key: string): { tenantId: string; keyHash: string } | null {
    const keyHash = hashToken(key);
    const entry = this.keys.get(keyHash);
    if (!entry || (entry.expiresAt !== null && this.clock.now() >= entry.expiresAt)) return null;
    return { tenantId: entry.tenantId, keyHash };
  }

  tenantForApiToken(token: string): string | null {
    return this.apiTokens.get(hashToken(token)) ?? null;
  }

  tenant(tenantId: string): TenantEntry | undefined {
    return this.tenants.get(tenantId);
  }

  /** Called with a tenant id whenever that tenant's settings change (the rate limiter listens). */
  onTenantChanged(listener: (tenantId: string) => void): void {
    this.listeners.add(listener);
  }

  /** Waits until the fact at `sequence` has been applied here (read-your-writes after a publish). */
  async waitFor(sequence: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.lastSequence < sequence) {
      if (Date.now() > deadline) throw new Error(`credentials not updated to ${sequence} within ${timeoutMs} ms`);
      await sleep(2);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    const info = await this.client.jsm.streams.info(this.streams.config);
    this.targetSequence = info.state.last_seq;
    void this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.abort.abort();
    await this.messages?.close().catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        // An ordered consumer: in order, no acks, re-created by the client after any gap or reconnect.
        const consumer = await this.client.js.consumers.get(this.streams.config, {
          opt_start_seq: this.lastSequence + 1,
        });
        this.messages = await consumer.consume();
        for await (const msg of this.messages) {
          try {
            const fact = decodeConfigFact(msg.headers, msg.data);
            if (fact) this.apply(fact, msg.seq);
          } catch (error) {
            this.logger.error({ err: error, seq: msg.seq }, 'undecodable config fact skipped');
          }
          this.lastSequence = msg.seq;
        }
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.logger.warn({ err: error }, 'credential stream interrupted; resuming');
        await sleep(500, this.abort.signal);
      }
    }
  }

  private apply(fact: ConfigFact, seq: number): void {
    switch (fact.kind) {
      case 'tenant.created':
        this.tenants.set(fact.tenantId, {
          id: fact.tenantId,
          name: fact.name,
          createdAt: fact.occurredAt,
          rateLimit: null,
          currentKey: null,
          keySubjectSequence: 0,
        });
        break;
      case 'tenant.rate-limit-set': {
        const tenant = this.tenants.get(fact.tenantId);
        if (tenant) tenant.rateLimit = { perSecond: fact.perSecond, burst: fact.burst };
        break;
      }
      case 'ingest-key.issued': {
        if (fact.previousKeyId) {
          const previousHash = this.keyById.get(fact.previousKeyId);
          const previous = previousHash ? this.keys.get(previousHash) : undefined;
          if (previous) previous.expiresAt = fact.previousKeyExpiresAt ? Date.parse(fact.previousKeyExpiresAt) : 0;
        }
        this.keys.set(fact.keyHash, { tenantId: fact.tenantId, keyId: fact.keyId, expiresAt: null });
        this.keyById.set(fact.keyId, fact.keyHash);
        const tenant = this.tenants.get(fact.tenantId);
        if (tenant) {
          tenant.currentKey = { keyId: fact.keyId, prefix: fact.keyPrefix, issuedAt: fact.occurredAt };
          tenant.keySubjectSequence = seq;
        }
        break;
      }
      case 'api-token.issued':
        this.apiTokens.set(fact.tokenHash, fact.tenantId);
        break;
    }
    for (const listener of this.listeners) listener(fact.tenantId);
  }
}
