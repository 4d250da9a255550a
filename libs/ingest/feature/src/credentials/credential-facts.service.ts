import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { configCodecFor, userFactHeader, type ConfigAggregate, type ConfigFact, type Subjects } from '@daalu/contracts';
import { JetStreamPublisher, SUBJECTS } from '@daalu/platform/jetstream';
import { ApiTokenDirectory, generateToken, hashToken, tokenPrefix } from '@daalu/platform/tenancy';
import { Clock } from '../shared/clock';
import { INGEST_OPTIONS, type IngestOptions } from '../shared/ingest-options';
import { problem, ProblemException, publishFailureProblem } from '@daalu/platform/http';
import { CredentialDirectory } from './credential-directory';

export interface CreatedTenant {
  id: string;
  name: string;
  ingestKey: string;
  apiToken: string;
}

/**
 * Writes tenant and credential facts to the CONFIG stream, then waits until this replica's directories
 * have applied them, so the key works on the very next request. Secrets are returned once and only
 * their hashes are published.
 */
@Injectable()
export class CredentialFactsService {
  constructor(
    private readonly publisher: JetStreamPublisher,
    private readonly directory: CredentialDirectory,
    private readonly apiTokens: ApiTokenDirectory,
    private readonly clock: Clock,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
    @Inject(INGEST_OPTIONS) private readonly options: IngestOptions,
  ) {}

  async createTenant(name: string): Promise<CreatedTenant> {
    const tenantId = uuidv7();
    const correlationId = uuidv7();
    const ingestKey = generateToken('ingest-key');
    const apiToken = generateToken('api-token');
    const at = this.clock.now();
    const header = <K extends ConfigFact['kind']>(kind: K) => this.envelope(kind, tenantId, at, correlationId);

    await this.publish('tenant', { ...header('tenant.created'), name }, 0);
    await this.publish(
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
    const seq = await this.publish(
      'api-token',
      {
        ...header('api-token.issued'),
        tokenId: uuidv7(),
        tokenHash: hashToken(apiToken),
        tokenPrefix: tokenPrefix(apiToken),
      },
      0,
    );
    await Promise.all([this.directory.waitFor(seq), this.apiTokens.waitFor(seq)]);
    return { id: tenantId, name, ingestKey, apiToken };
  }

  /** A new ingest key; the current one keeps working for the grace period (default 24 h). */
  async rotateIngestKey(
    tenantId: string,
    graceSeconds = this.options.keyGraceSeconds,
  ): Promise<{ ingestKey: string; previousKeyExpiresAt: string }> {
    const tenant = this.directory.tenant(tenantId);
    if (!tenant?.currentKey) throw noSuchTenant();
    const ingestKey = generateToken('ingest-key');
    const now = this.clock.now();
    const previousKeyExpiresAt = new Date(now + graceSeconds * 1000).toISOString();
    const seq = await this.publish(
      'ingest-key',
      {
        ...this.envelope('ingest-key.issued', tenantId, now),
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

  async setRateLimit(tenantId: string, perSecond: number, burst: number): Promise<void> {
    if (!this.directory.tenant(tenantId)) throw noSuchTenant();
    const seq = await this.publish('tenant', {
      ...this.envelope('tenant.rate-limit-set', tenantId, this.clock.now()),
      perSecond,
      burst,
    });
    await this.directory.waitFor(seq);
  }

  /** The envelope of a config fact; a fact of its own is its own correlation unless one is given. */
  private envelope<K extends ConfigFact['kind']>(kind: K, tenantId: string, at: number, correlationId?: string) {
    const id = uuidv7();
    return { ...userFactHeader(kind, tenantId, id, correlationId ?? id), occurredAt: new Date(at).toISOString() };
  }

  private async publish<F extends ConfigFact>(
    aggregate: ConfigAggregate,
    fact: F,
    expectLastSubjectSequence?: number,
  ): Promise<number> {
    try {
      const ack = await this.publisher.publish(
        this.subjects.config(fact.tenantId, aggregate),
        configCodecFor(fact.kind) as never,
        fact,
        { expectLastSubjectSequence, timeoutMs: this.options.publishTimeoutMs },
      );
      return ack.seq;
    } catch (error) {
      throw publishFailureProblem(error, 'changed concurrently; retry');
    }
  }
}

const noSuchTenant = () => new ProblemException(problem(404, 'not-found', 'Not found', 'no such tenant'));
