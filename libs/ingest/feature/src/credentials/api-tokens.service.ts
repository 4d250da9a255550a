import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  ApiTokenDirectory,
  generateToken,
  hashToken,
  scopeAllows,
  tokenPrefix,
  TokenUsage,
  type ApiTokenEntry,
  type ApiTokenScope,
} from '@daalu/platform/tenancy';
import { problem, ProblemException } from '@daalu/platform/http';
import { Clock } from '../shared/clock';
import { ConfigFactWriter } from './config-fact-writer';
import { noSuchTenant } from './credential-facts.service';

/** An API token as the API shows it (never the token, which only its creation answer carries). */
export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiTokenScope[];
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

/** At most this many tokens per tenant: enough for every person and system, not a way to fill CONFIG. */
export const MAX_TOKENS_PER_TENANT = 100;

/**
 * A tenant's API tokens: issued with a name and scopes (the token shown once), listed with when each
 * was last used, revoked on every replica of every app as soon as each applies the fact. Issue and
 * revoke expect the tenant's last token fact, so two revocations can never leave it without an admin.
 */
@Injectable()
export class ApiTokensService {
  constructor(
    private readonly writer: ConfigFactWriter,
    private readonly directory: ApiTokenDirectory,
    private readonly usage: TokenUsage,
    private readonly clock: Clock,
  ) {}

  async issue(
    tenantId: string,
    actor: string,
    spec: { name: string; scopes: ApiTokenScope[]; expiresAt?: string | null },
  ): Promise<ApiTokenView & { token: string }> {
    const tenant = this.directory.tenant(tenantId);
    if (!tenant) throw noSuchTenant();
    if (this.directory.tokensOf(tenantId).length >= MAX_TOKENS_PER_TENANT)
      throw new ProblemException(
        problem(
          409,
          'conflict',
          'Conflict',
          `a tenant has at most ${MAX_TOKENS_PER_TENANT} API tokens; revoke one first`,
        ),
      );
    const token = generateToken('api-token');
    const tokenId = uuidv7();
    const seq = await this.writer.publish(
      'api-token',
      {
        ...this.writer.header('api-token.issued', tenantId, actor),
        tokenId,
        tokenHash: hashToken(token),
        tokenPrefix: tokenPrefix(token),
        name: spec.name,
        scopes: [...new Set(spec.scopes)],
        expiresAt: spec.expiresAt ?? null,
      },
      tenant.tokenSubjectSequence,
    );
    await this.directory.waitFor(seq);
    const entry = this.directory.token(tenantId, tokenId)!;
    return { ...viewOf(entry, null), token };
  }

  async list(tenantId: string): Promise<ApiTokenView[]> {
    const tokens = this.directory.tokensOf(tenantId);
    const lastUsed = await Promise.all(tokens.map((token) => this.usage.lastUsedAt(token.tokenId).catch(() => null)));
    return tokens.map((token, i) => viewOf(token, lastUsed[i]));
  }

  /** Revokes a token; 409 when it is the tenant's last `admin` token that has not expired. */
  async revoke(tenantId: string, tokenId: string, actor: string): Promise<void> {
    const tenant = this.directory.tenant(tenantId);
    const token = this.directory.token(tenantId, tokenId);
    if (!tenant || !token)
      throw new ProblemException(problem(404, 'not-found', 'Not found', 'no such API token (revoked already?)'));
    const now = this.clock.now();
    const otherAdmins = this.directory
      .tokensOf(tenantId)
      .filter(
        (other) =>
          other.tokenId !== tokenId &&
          scopeAllows(other.scopes, 'admin') &&
          (other.expiresAt === null || other.expiresAt > now),
      );
    if (scopeAllows(token.scopes, 'admin') && otherAdmins.length === 0)
      throw new ProblemException(
        problem(
          409,
          'last-admin-token',
          'Conflict',
          `${token.name} (${token.prefix}) is the tenant's last admin token; create another admin token first`,
        ),
      );
    const seq = await this.writer.publish(
      'api-token',
      { ...this.writer.header('api-token.revoked', tenantId, actor), tokenId, tokenPrefix: token.prefix },
      tenant.tokenSubjectSequence,
    );
    await this.directory.waitFor(seq);
    await this.usage.forget([tokenId]).catch(() => undefined);
  }
}

function viewOf(entry: ApiTokenEntry, lastUsedAt: string | null): ApiTokenView {
  return {
    id: entry.tokenId,
    name: entry.name,
    prefix: entry.prefix,
    scopes: entry.scopes,
    createdAt: entry.createdAt,
    createdBy: entry.createdBy,
    lastUsedAt,
    expiresAt: entry.expiresAt === null ? null : new Date(entry.expiresAt).toISOString(),
  };
}
