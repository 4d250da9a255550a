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
  /** The key the last rotation replaced, while it still works (its grace period), else null. */
  previousKey: { keyId: string; prefix: string; expiresAt: string } | null;
  /** Stream sequence of the tenant's last ingest-key fact (for optimistic concurrency on rotation). */
  keySubjectSequence: number;
}

/**
 * The gateway's in-memory projection of the CONFIG stream: which key hash belongs to which tenant, and
 * each tenant's limits, so a request never needs a database round trip. (API tokens, and whether a
 * tenant is suspended, are the shared ApiTokenDirectory's.)
 */
@Injectable()
export class CredentialDirectory extends ConfigFactsFollower {
  private readonly keys = new Map<string, KeyEntry>();
  private readonly tenants = new Map<string, TenantEntry>();
  private readonly keyById = new Map<string, string>();
  private readonly listeners = new Set<(tenantId: string) => void>();
  /** Ids of each tenant's webhooks and alert rules, for the operator's counts. */
  private readonly webhooks = new Map<string, Set<string>>();
  private readonly alertRules = new Map<string, Set<string>>();
  private readonly deleted = new Set<string>();

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

  /** Every tenant, in the order they were created. */
  allTenants(): IterableIterator<TenantEntry> {
    return this.tenants.values();
  }

  /** How many webhooks and alert rules the tenant has. */
  countsOf(tenantId: string): { webhooks: number; alertRules: number } {
    return { webhooks: this.webhooks.get(tenantId)?.size ?? 0, alertRules: this.alertRules.get(tenantId)?.size ?? 0 };
  }

  /** The rotated-out key while it still works, or null. */
  previousKeyOf(tenantId: string): TenantEntry['previousKey'] {
    const previous = this.tenants.get(tenantId)?.previousKey ?? null;
    return previous && Date.parse(previous.expiresAt) > this.clock.now() ? previous : null;
  }

  /** Called with a tenant id whenever that tenant's settings change (the rate limiter listens). */
  onTenantChanged(listener: (tenantId: string) => void): void {
    this.listeners.add(listener);
  }

  protected apply(fact: ConfigFact, seq: number): void {
    // A fact that was in flight when its tenant was deleted brings nothing back (a key above all).
    if (this.deleted.has(fact.tenantId)) return;
    switch (fact.kind) {
      case 'tenant.created':
        this.tenants.set(fact.tenantId, {
          id: fact.tenantId,
          name: fact.name,
          createdAt: fact.occurredAt,
          rateLimit: null,
          currentKey: null,
          previousKey: null,
          keySubjectSequence: 0,
        });
        break;
      case 'tenant.rate-limit-set': {
        const tenant = this.tenants.get(fact.tenantId);
        if (tenant) tenant.rateLimit = { perSecond: fact.perSecond, burst: fact.burst };
        break;
      }
      case 'tenant.deleted':
        this.forget(fact.tenantId);
        break;
      case 'webhook.saved':
      case 'webhook.deleted':
        idsOf(this.webhooks, fact.tenantId)[fact.kind === 'webhook.saved' ? 'add' : 'delete'](fact.webhookId);
        break;
      case 'alert-rule.saved':
      case 'alert-rule.deleted':
        idsOf(this.alertRules, fact.tenantId)[fact.kind === 'alert-rule.saved' ? 'add' : 'delete'](fact.ruleId);
        break;
      case 'ingest-key.issued': {
        const tenant = this.tenants.get(fact.tenantId);
        if (fact.previousKeyId) {
          const expiresAt = fact.previousKeyExpiresAt ? Date.parse(fact.previousKeyExpiresAt) : 0;
          this.expireKey(fact.previousKeyId, expiresAt);
          if (tenant?.currentKey?.keyId === fact.previousKeyId) {
            tenant.previousKey = {
              keyId: fact.previousKeyId,
              prefix: tenant.currentKey.prefix,
              expiresAt: new Date(expiresAt).toISOString(),
            };
          }
        }
        this.keys.set(fact.keyHash, { tenantId: fact.tenantId, keyId: fact.keyId, expiresAt: null });
        this.keyById.set(fact.keyId, fact.keyHash);
        if (tenant) {
          tenant.currentKey = { keyId: fact.keyId, prefix: fact.keyPrefix, issuedAt: fact.occurredAt };
          tenant.keySubjectSequence = seq;
        }
        break;
      }
      case 'ingest-key.previous-revoked': {
        const at = Date.parse(fact.occurredAt);
        this.expireKey(fact.keyId, at);
        const tenant = this.tenants.get(fact.tenantId);
        if (tenant) {
          if (tenant.previousKey?.keyId === fact.keyId) tenant.previousKey.expiresAt = fact.occurredAt;
          tenant.keySubjectSequence = seq;
        }
        break;
      }
    }
    for (const listener of this.listeners) listener(fact.tenantId);
  }

  /** The key stops working at `at` (epoch ms), or earlier if it already was to. */
  private expireKey(keyId: string, at: number): void {
    const hash = this.keyById.get(keyId);
    const entry = hash ? this.keys.get(hash) : undefined;
    if (entry) entry.expiresAt = entry.expiresAt === null ? at : Math.min(entry.expiresAt, at);
  }

  private forget(tenantId: string): void {
    this.deleted.add(tenantId);
    this.tenants.delete(tenantId);
    this.webhooks.delete(tenantId);
    this.alertRules.delete(tenantId);
    for (const [hash, entry] of this.keys) {
      if (entry.tenantId !== tenantId) continue;
      this.keys.delete(hash);
      this.keyById.delete(entry.keyId);
    }
  }
}

function idsOf(byTenant: Map<string, Set<string>>, tenantId: string): Set<string> {
  let ids = byTenant.get(tenantId);
  if (!ids) byTenant.set(tenantId, (ids = new Set()));
  return ids;
}
