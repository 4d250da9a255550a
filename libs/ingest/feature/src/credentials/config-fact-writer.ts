import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { configCodecFor, userFactHeader, type ConfigAggregate, type ConfigFact, type Subjects } from '@daalu/contracts';
import { JetStreamPublisher, SUBJECTS } from '@daalu/platform/jetstream';
import { publishFailureProblem } from '@daalu/platform/http';
import { Clock } from '../shared/clock';
import { INGEST_OPTIONS, type IngestOptions } from '../shared/ingest-options';

/** The fields every config fact a request causes carries: its envelope, when, and who. */
export type FactHeader<K extends ConfigFact['kind']> = ReturnType<typeof userFactHeader<K>> & {
  occurredAt: string;
  actor: string;
};

/**
 * Writes the gateway's config facts (tenants, ingest keys, API tokens) to CONFIG, each on its tenant's
 * aggregate subject, optionally expecting the subject's last sequence (two concurrent changes: one 409).
 */
@Injectable()
export class ConfigFactWriter {
  constructor(
    private readonly publisher: JetStreamPublisher,
    private readonly clock: Clock,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
    @Inject(INGEST_OPTIONS) private readonly options: IngestOptions,
  ) {}

  /** A fact's header; a fact of its own is its own correlation unless one is given. */
  header<K extends ConfigFact['kind']>(
    kind: K,
    tenantId: string,
    actor: string,
    at = this.clock.now(),
    correlationId?: string,
  ): FactHeader<K> {
    const id = uuidv7();
    return {
      ...userFactHeader(kind, tenantId, id, correlationId ?? id),
      occurredAt: new Date(at).toISOString(),
      actor,
    };
  }

  /** Publishes and returns the stream sequence; a concurrent change is a 409, an outage a 503. */
  async publish<F extends ConfigFact>(
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
