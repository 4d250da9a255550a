import { Inject, Injectable } from '@nestjs/common';
import type { ConfigFact } from '@daalu/contracts';
import { NatsClient, STREAM_NAMES, type StreamNames } from '@daalu/platform/jetstream';
import { LOGGER, Readiness, type Logger } from '@daalu/platform/observability';
import { ConfigFactsFollower, hashToken } from '@daalu/platform/tenancy';
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
 * The gateway's in-memory projection of the CONFIG stream: which key hash belongs to which tenant, and
 * each tenant's limits, so a request never needs a database round trip. (API tokens are the shared
 * ApiTokenDirectory's.)
 */
@Injectable()
export class CredentialDirectory extends ConfigFactsFollower {
  private readonly keys = new Map<string, KeyEntry>();
  private readonly tenants = new Map<string, TenantEntry>();
  private readonly keyById = new Map<string, string>();
  private readonly listeners = new Set<(tenantId: string) => void>();

  constructor(
    client: NatsClient,
    @Inject(STREAM_NAMES) streams: StreamNames,
    private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
    readiness: Readiness,
  ) {
    super('credentials', client, streams, logger, readiness);
  }

  /** Resolves the tenant of an ingest key (null: unknown, or rotated out and past its grace period). */
  tenantForIngestKey(key: string): { tenantId: string; keyHash: string } | null {
    const keyHash = hashToken(key);
    const entry = this.keys.get(keyHash);
    if (!entry || (entry.expiresAt !== null && this.clock.now() >= entry.expiresAt)) return null;
    return { tenantId: entry.tenantId, keyHash };
  }

  tenant(tenantId: string): TenantEntry | undefined {
    return this.tenants.get(tenantId);
  }

  /** Called with a tenant id whenever that tenant's settings change (the rate limiter listens). */
  onTenantChanged(listener: (tenantId: string) => void): void {
    this.listeners.add(listener);
  }

  protected apply(fact: ConfigFact, seq: number): void {
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
    }
    for (const listener of this.listeners) listener(fact.tenantId);
  }
}
