import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { ApiTokenDirectory, generateToken, hashToken, INITIAL_TOKEN_NAME, tokenPrefix } from '@daalu/platform/tenancy';
import { problem, ProblemException } from '@daalu/platform/http';
import { Clock } from '../shared/clock';
import { INGEST_OPTIONS, type IngestOptions } from '../shared/ingest-options';
import { ConfigFactWriter } from './config-fact-writer';
import { CredentialDirectory } from './credential-directory';

export interface CreatedTenant {
  id: string;
  name: string;
  ingestKey: string;
  apiToken: string;
}

/** Where a tenant's ingest key stands: the current key and, during a rotation's grace, the previous one. */
export interface IngestKeyState {
  current: { keyId: string; prefix: string; issuedAt: string };
  previous: { keyId: string; prefix: string; expiresAt: string } | null;
}

/**
 * Writes tenant and ingest-key facts to the CONFIG stream, then waits until this replica's directories
 * have applied them, so the key works on the very next request. Secrets are returned once and only
 * their hashes are published.
 */
@Injectable()
export class CredentialFactsService {
  constructor(
    private readonly writer: ConfigFactWriter,
    private readonly directory: CredentialDirectory,
    private readonly apiTokens: ApiTokenDirectory,
    private readonly clock: Clock,
    @Inject(INGEST_OPTIONS) private readonly options: IngestOptions,
  ) {}

  /** A tenant with its ingest key and its first API token (`initial`, with `admin`). */
  async createTenant(name: string, actor: string): Promise<CreatedTenant> {
    const tenantId = uuidv7();
    const correlationId = uuidv7();
    const ingestKey = generateToken('ingest-key');
    const apiToken = generateToken('api-token');
    const at = this.clock.now();
    const header = <K extends 'tenant.created' | 'ingest-key.issued' | 'api-token.issued'>(kind: K) =>
      this.writer.header(kind, tenantId, actor, at, correlationId);

    await this.writer.publish('tenant', { ...header('tenant.created'), name }, 0);
    await this.writer.publish(
      'ingest-key',
      {
        ...header('ingest-key.issued'),
        keyId: uuidv7(),
        keyHash: hashToken(ingestKey),
        keyPrefix: tokenPrefix(ingestKey),
        previousKeyId: null,
        previousKeyExpiresAt: null,
      },
      0,
    );
    const seq = await this.writer.publish(
      'api-token',
      {
        ...header('api-token.issued'),
        tokenId: uuidv7(),
        tokenHash: hashToken(apiToken),
        tokenPrefix: tokenPrefix(apiToken),
        name: INITIAL_TOKEN_NAME,
        scopes: ['admin'],
        expiresAt: null,
      },
      0,
    );
    await Promise.all([this.directory.waitFor(seq), this.apiTokens.waitFor(seq)]);
    return { id: tenantId, name, ingestKey, apiToken };
  }

  /** The current key and, while it still works, the one a rotation replaced (prefixes only). */
  ingestKeyState(tenantId: string): IngestKeyState {
    const tenant = this.directory.tenant(tenantId);
    if (!tenant?.currentKey) throw noSuchTenant();
    return { current: tenant.currentKey, previous: this.directory.previousKeyOf(tenantId) };
  }

  /** A new ingest key; the current one keeps working for the grace period (default 24 h). */
  async rotateIngestKey(
    tenantId: string,
    actor: string,
    graceSeconds = this.options.keyGraceSeconds,
  ): Promise<{ ingestKey: string; previousKeyExpiresAt: string }> {
    const tenant = this.directory.tenant(tenantId);
    if (!tenant?.currentKey) throw noSuchTenant();
    const ingestKey = generateToken('ingest-key');
    const now = this.clock.now();
    const previousKeyExpiresAt = new Date(now + graceSeconds * 1000).toISOString();
    const seq = await this.writer.publish(
      'ingest-key',
      {
        ...this.writer.header('ingest-key.issued', tenantId, actor, now),
        keyId: uuidv7(),
        keyHash: hashToken(ingestKey),
        keyPrefix: tokenPrefix(ingestKey),
        previousKeyId: tenant.currentKey.keyId,
        previousKeyExpiresAt,
      },
      tenant.keySubjectSequence,
    );
    await this.directory.waitFor(seq);
    return { ingestKey, previousKeyExpiresAt };
  }

  /** Ends the rotated-out key's grace period now (a leaked key); 404 when no previous key still works. */
  async revokePreviousKey(tenantId: string, actor: string): Promise<IngestKeyState> {
    const tenant = this.directory.tenant(tenantId);
    const previous = this.directory.previousKeyOf(tenantId);
    if (!tenant || !previous)
      throw new ProblemException(
        problem(404, 'not-found', 'Not found', 'no rotated-out ingest key is still working; nothing to revoke'),
      );
    const seq = await this.writer.publish(
      'ingest-key',
      { ...this.writer.header('ingest-key.previous-revoked', tenantId, actor), keyId: previous.keyId },
      tenant.keySubjectSequence,
    );
    await this.directory.waitFor(seq);
    return this.ingestKeyState(tenantId);
  }

  async setRateLimit(tenantId: string, perSecond: number, burst: number, actor: string): Promise<void> {
    if (!this.directory.tenant(tenantId)) throw noSuchTenant();
    const seq = await this.writer.publish('tenant', {
      ...this.writer.header('tenant.rate-limit-set', tenantId, actor),
      perSecond,
      burst,
    });
    await this.directory.waitFor(seq);
  }
}

export const noSuchTenant = () => new ProblemException(problem(404, 'not-found', 'Not found', 'no such tenant'));
