import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { configCodecFor, type ConfigFact, type Subjects } from '@daalu/contracts';
import { JetStreamPublisher, PublishFailedError, SUBJECTS } from '@daalu/platform/jetstream';
import { generateToken, hashToken, tokenPrefix } from '@daalu/ingest/domain';
import { Clock } from '../shared/clock';
import { INGEST_OPTIONS, type IngestOptions } from '../shared/ingest-options';
import { problem, ProblemException } from '../shared/problem';
import { CredentialDirectory } from './credential-directory';

export interface CreatedTenant {
  id: string;
  name: string;
  ingestKey: string;
  apiToken: string;
}

/**
 * Writes tenant and credential facts to the CONFIG stream, then waits until this replica's directory
 * has applied them, so the key works on the very next request. Secrets are returned once and only
 * their hashes are published.
 */
@Injectable()
export class CredentialFactsService {
  constructor(
    private readonly publisher: JetStreamPublisher,
    private readonly directory: CredentialDirectory,
    private readonly clock: Clock,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
    @Inject(INGEST_OPTIONS) private readonly options: IngestOptions,
  ) {}

  async createTenant(name: string): Promise<CreatedTenant> {
    const tenantId = uuidv7();
    const correlationId = uuidv7();
    const ingestKey = generateToken('ingest-key');
    const apiToken = generateToken('api-token');
    const at = new Date(this.clock.now()).toISOString();
    const header = <K extends ConfigFact['kind']>(kind: K) => ({
      schemaVersion: 1 as const,
      kind,
      id: uuidv7(),
      tenantId,
      correlationId,
      causationId: null,
      occurredAt: at,
    });

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
    await this.directory.waitFor(seq);
    return { id: tenantId, name, ingestKey, apiToken };
  }

  /** A new ingest key; the current one keeps working for the grace period (default 24 h). */
  async rotateIngestKey(
    tenantId: string,
    graceSeconds = this.options.keyGraceSeconds,
  ): Promise<{ ingestKey: string; previousKeyExpiresAt: string }> {
    const tenant = this.directory.tenant(tenantId);
    if (!tenant?.currentKey) throw new ProblemException(problem(404, 'not-found', 'Not found', 'no such tenant'));
    const ingestKey = generateToken('ingest-key');
    const now = this.clock.now();
    const previousKeyExpiresAt = new Date(now + graceSeconds * 1000).toISOString();
    const id = uuidv7();
    const seq = await this.publish(
      'ingest-key',
      {
        schemaVersion: 1,
        kind: 'ingest-key.issued',
        id,
        tenantId,
        correlationId: id,
        causationId: null,
        occurredAt: new Date(now).toISOString(),
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
    if (!this.directory.tenant(tenantId))
      throw new ProblemException(problem(404, 'not-found', 'Not found', 'no such tenant'));
    const id = uuidv7();
    const seq = await this.publish('tenant', {
      schemaVersion: 1,
      kind: 'tenant.rate-limit-set',
      id,
      tenantId,
      correlationId: id,
      causationId: null,
      occurredAt: new Date(this.clock.now()).toISOString(),
      perSecond,
      burst,
    });
    await this.directory.waitFor(seq);
  }

  private async publish<F extends ConfigFact>(
    aggregate: 'tenant' | 'ingest-key' | 'api-token',
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
      if (error instanceof PublishFailedError && /wrong last sequence/i.test(String((error.cause as Error)?.message))) {
        throw new ProblemException(problem(409, 'conflict', 'Conflict', 'changed concurrently; retry'));
      }
      throw new ProblemException(problem(503, 'unavailable', 'Service unavailable', 'the event log is not available'), {
        'Retry-After': '1',
      });
    }
  }
}
