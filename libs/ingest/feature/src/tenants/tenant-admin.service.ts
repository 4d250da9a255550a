import { Inject, Injectable } from '@nestjs/common';
import type { StreamNames, Subjects } from '@daalu/contracts';
import { NatsClient, STREAM_NAMES, SUBJECTS } from '@daalu/platform/jetstream';
import { LOGGER, type Logger } from '@daalu/platform/observability';
import { ApiTokenDirectory, TokenUsage } from '@daalu/platform/tenancy';
import { ConfigFactWriter } from '../credentials/config-fact-writer';
import { CredentialDirectory, type TenantEntry } from '../credentials/credential-directory';
import { noSuchTenant } from '../credentials/credential-facts.service';
import { INGEST_OPTIONS, type IngestOptions } from '../shared/ingest-options';

export type TenantState = 'active' | 'suspended';

export interface TenantSummary {
  id: string;
  name: string;
  createdAt: string;
  state: TenantState;
  rateLimit: { perSecond: number; burst: number };
}

export interface TenantDetail extends TenantSummary {
  ingestKeys: Array<{ keyId: string; prefix: string; issuedAt?: string; expiresAt?: string; current: boolean }>;
  apiTokens: Array<{ id: string; name: string; prefix: string; scopes: string[]; expiresAt: string | null }>;
  counts: { apiTokens: number; webhooks: number; alertRules: number };
}

/**
 * The operator's view of tenants and what the operator may do to one: list and inspect (from the
 * gateway's in-memory directories: no database round trip), suspend and resume (facts every app
 * applies), and delete: `tenant.deleted` tells every app to drop the tenant's rows and step over its
 * facts still on the log until they age out, and the tenant's earlier CONFIG facts are purged from
 * the log (sealed secrets, key and token hashes).
 */
@Injectable()
export class TenantAdminService {
  constructor(
    private readonly writer: ConfigFactWriter,
    private readonly directory: CredentialDirectory,
    private readonly apiTokens: ApiTokenDirectory,
    private readonly usage: TokenUsage,
    private readonly client: NatsClient,
    @Inject(STREAM_NAMES) private readonly streams: StreamNames,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
    @Inject(INGEST_OPTIONS) private readonly options: IngestOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Newest first; `q` a case-insensitive part of the name; `after` the last id of the page before. */
  list(filter: { q?: string; after?: string; limit: number }): { items: TenantSummary[]; nextCursor: string | null } {
    const needle = filter.q?.toLowerCase();
    const matching = [...this.directory.allTenants()]
      .filter((tenant) => (needle ? tenant.name.toLowerCase().includes(needle) : true))
      .filter((tenant) => (filter.after ? tenant.id < filter.after : true))
      .sort((a, b) => (a.id < b.id ? 1 : -1));
    const page = matching.slice(0, filter.limit);
    return {
      items: page.map((tenant) => this.summaryOf(tenant)),
      nextCursor: matching.length > filter.limit ? page[page.length - 1].id : null,
    };
  }

  get(tenantId: string): TenantDetail {
    const tenant = this.existing(tenantId);
    const tokens = this.apiTokens.tokensOf(tenantId);
    const previous = this.directory.previousKeyOf(tenantId);
    return {
      ...this.summaryOf(tenant),
      ingestKeys: [
        ...(tenant.currentKey ? [{ ...tenant.currentKey, current: true }] : []),
        ...(previous ? [{ ...previous, current: false }] : []),
      ],
      apiTokens: tokens.map((token) => ({
        id: token.tokenId,
        name: token.name,
        prefix: token.prefix,
        scopes: token.scopes,
        expiresAt: token.expiresAt === null ? null : new Date(token.expiresAt).toISOString(),
      })),
      counts: { apiTokens: tokens.length, ...this.directory.countsOf(tenantId) },
    };
  }

  async suspend(tenantId: string, reason: string, actor: string): Promise<TenantDetail> {
    this.existing(tenantId);
    if (!this.isSuspended(tenantId)) {
      const seq = await this.writer.publish('tenant', {
        ...this.writer.header('tenant.suspended', tenantId, actor),
        reason,
      });
      await this.apiTokens.waitFor(seq);
    }
    return this.get(tenantId);
  }

  async resume(tenantId: string, actor: string): Promise<TenantDetail> {
    this.existing(tenantId);
    if (this.isSuspended(tenantId)) {
      const seq = await this.writer.publish('tenant', { ...this.writer.header('tenant.resumed', tenantId, actor) });
      await this.apiTokens.waitFor(seq);
    }
    return this.get(tenantId);
  }

  /** Deletes the tenant: every app told to drop its rows, and its config facts purged from the log. */
  async delete(tenantId: string, actor: string): Promise<void> {
    this.existing(tenantId);
    const tokenIds = this.apiTokens.tokensOf(tenantId).map((token) => token.tokenId);
    const seq = await this.writer.publish('tenant', { ...this.writer.header('tenant.deleted', tenantId, actor) });
    // Everything of the tenant on CONFIG before the deletion goes: sealed webhook secrets and header
    // values, key and token hashes. A replay from the start then finds only `tenant.deleted`.
    const purged = await this.client.jsm.streams.purge(this.streams.config, {
      filter: this.subjects.tenantConfig(tenantId),
      seq,
    });
    await this.usage.forget(tokenIds).catch(() => undefined);
    await Promise.all([this.directory.waitFor(seq), this.apiTokens.waitFor(seq)]);
    this.logger.info({ tenantId, purgedConfigFacts: purged.purged, actor }, 'tenant deleted');
  }

  private existing(tenantId: string): TenantEntry {
    const tenant = this.directory.tenant(tenantId);
    if (!tenant) throw noSuchTenant();
    return tenant;
  }

  private isSuspended(tenantId: string): boolean {
    return this.apiTokens.tenant(tenantId)?.suspended ?? false;
  }

  private summaryOf(tenant: TenantEntry): TenantSummary {
    return {
      id: tenant.id,
      name: tenant.name,
      createdAt: tenant.createdAt,
      state: this.isSuspended(tenant.id) ? 'suspended' : 'active',
      rateLimit: tenant.rateLimit ?? { perSecond: this.options.ratePerSecond, burst: this.options.rateBurst },
    };
  }
}
