import { Inject, Injectable } from '@nestjs/common';
import { apiTokenGrantOf, type ApiTokenScope, type ConfigFact } from '@daalu/contracts';
import { NatsClient, STREAM_NAMES, type StreamNames } from '@daalu/platform/jetstream';
import { LOGGER, Readiness, type Logger } from '@daalu/platform/observability';
import { ConfigFactsFollower } from './config-facts-follower';
import { hashToken } from '@daalu/contracts';

/** One API token as the log describes it (never the token itself). */
export interface ApiTokenEntry {
  tokenId: string;
  tenantId: string;
  name: string;
  prefix: string;
  scopes: ApiTokenScope[];
  createdAt: string;
  createdBy: string | null;
  /** Epoch ms after which it is refused; null: never. */
  expiresAt: number | null;
}

/** Where a tenant stands: suspended tenants are refused with 403; deleted ones are forgotten. */
export interface TenantAccess {
  suspended: boolean;
  /** Stream sequence of the tenant's last `api-token` fact (optimistic concurrency on issue and revoke). */
  tokenSubjectSequence: number;
}

/** Why a token is not accepted, or whose it is. */
export type TokenResolution =
  | { ok: true; token: ApiTokenEntry }
  | { ok: false; reason: 'unknown' | 'expired' | 'suspended'; token?: ApiTokenEntry };

/**
 * Every tenant API token (by its SHA-256) and whether each tenant is suspended: what every
 * tenant-scoped API authenticates with. Rebuilt from CONFIG at every start; a revocation or suspension
 * reaches every replica of every app as soon as it applies the fact (milliseconds).
 */
@Injectable()
export class ApiTokenDirectory extends ConfigFactsFollower {
  private readonly byTokenHash = new Map<string, ApiTokenEntry>();
  private readonly hashById = new Map<string, string>();
  private readonly tenants = new Map<string, TenantAccess>();
  private readonly deleted = new Set<string>();
  private readonly deletedListeners = new Set<(tenantId: string) => void>();

  constructor(
    client: NatsClient,
    @Inject(STREAM_NAMES) streams: StreamNames,
    @Inject(LOGGER) logger: Logger,
    readiness: Readiness,
  ) {
    super('api-tokens', client, streams, logger, readiness);
  }

  /** The token's entry if it is accepted now, else why not. */
  resolve(token: string, now = Date.now()): TokenResolution {
    const entry = this.byTokenHash.get(hashToken(token));
    if (!entry) return { ok: false, reason: 'unknown' };
    if (entry.expiresAt !== null && now >= entry.expiresAt) return { ok: false, reason: 'expired', token: entry };
    if (this.tenants.get(entry.tenantId)?.suspended) return { ok: false, reason: 'suspended', token: entry };
    return { ok: true, token: entry };
  }

  /** A tenant's tokens, oldest first (revoked ones are gone). */
  tokensOf(tenantId: string): ApiTokenEntry[] {
    return [...this.byTokenHash.values()].filter((entry) => entry.tenantId === tenantId);
  }

  token(tenantId: string, tokenId: string): ApiTokenEntry | undefined {
    const hash = this.hashById.get(tokenId);
    const entry = hash ? this.byTokenHash.get(hash) : undefined;
    return entry?.tenantId === tenantId ? entry : undefined;
  }

  tenant(tenantId: string): TenantAccess | undefined {
    return this.tenants.get(tenantId);
  }

  /** True once the tenant's `tenant.deleted` is applied here (its facts still on the log are to be skipped). */
  isDeleted(tenantId: string): boolean {
    return this.deleted.has(tenantId);
  }

  /** Called with the tenant id when a `tenant.deleted` is applied (also when replayed at a start). */
  onTenantDeleted(listener: (tenantId: string) => void): void {
    this.deletedListeners.add(listener);
  }

  protected apply(fact: ConfigFact, seq: number): void {
    // A fact that was in flight when its tenant was deleted brings nothing back.
    if (this.deleted.has(fact.tenantId)) return;
    switch (fact.kind) {
      case 'tenant.created':
        this.tenants.set(fact.tenantId, { suspended: false, tokenSubjectSequence: 0 });
        break;
      case 'tenant.suspended':
      case 'tenant.resumed': {
        const tenant = this.tenants.get(fact.tenantId);
        if (tenant) tenant.suspended = fact.kind === 'tenant.suspended';
        break;
      }
      case 'tenant.deleted':
        this.forget(fact.tenantId);
        for (const listener of this.deletedListeners) listener(fact.tenantId);
        break;
      case 'api-token.issued': {
        this.byTokenHash.set(fact.tokenHash, {
          tokenId: fact.tokenId,
          tenantId: fact.tenantId,
          ...apiTokenGrantOf(fact),
          prefix: fact.tokenPrefix,
          createdAt: fact.occurredAt,
          createdBy: fact.actor ?? null,
          expiresAt: fact.expiresAt ? Date.parse(fact.expiresAt) : null,
        });
        this.hashById.set(fact.tokenId, fact.tokenHash);
        this.noteTokenSequence(fact.tenantId, seq);
        break;
      }
      case 'api-token.revoked': {
        const hash = this.hashById.get(fact.tokenId);
        if (hash && this.byTokenHash.get(hash)?.tenantId === fact.tenantId) this.byTokenHash.delete(hash);
        this.hashById.delete(fact.tokenId);
        this.noteTokenSequence(fact.tenantId, seq);
        break;
      }
    }
  }

  private noteTokenSequence(tenantId: string, seq: number): void {
    const tenant = this.tenants.get(tenantId);
    if (tenant) tenant.tokenSubjectSequence = seq;
  }

  private forget(tenantId: string): void {
    this.deleted.add(tenantId);
    this.tenants.delete(tenantId);
    for (const [hash, entry] of this.byTokenHash) {
      if (entry.tenantId !== tenantId) continue;
      this.byTokenHash.delete(hash);
      this.hashById.delete(entry.tokenId);
    }
  }
}
