import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { eventIngested, EventIngestedCodec, type Subjects } from '@daalu/contracts';
import { JetStreamPublisher, MessageTooLargeError, NatsClient, SUBJECTS } from '@daalu/platform/jetstream';
import { LOGGER, type Logger } from '@daalu/platform/observability';
import { idempotentEventId } from '@daalu/ingest/domain';
import { Clock } from '../shared/clock';
import { INGEST_OPTIONS, type IngestOptions } from '../shared/ingest-options';
import { problem, ProblemException, tooLargeForLogProblem } from '@daalu/platform/http';
import { validateEnvelope } from './envelope-validator';
import { IdempotencyStore } from './idempotency-store';

export interface Accepted {
  id: string;
  status: 'accepted';
  /** True when an Idempotency-Key matched an earlier request: no new event was created. */
  duplicate?: boolean;
  warnings?: string[];
}

export interface BatchItemResult {
  index: number;
  status: number;
  id?: string;
  warnings?: string[];
  detail?: string;
  errors?: unknown;
}

export const MAX_BATCH_ITEMS = 1000;

const unavailable = () =>
  new ProblemException(
    problem(503, 'log-unavailable', 'Service unavailable', 'the event log did not store the event; retry later'),
    { 'Retry-After': '2' },
  );

/**
 * Turns a validated envelope into an `event.ingested` fact and answers only once JetStream has stored
 * it: 202 means stored. When the log cannot take it (NATS down or slow), 503 within the publish timeout.
 */
@Injectable()
export class EventIngestService {
  constructor(
    private readonly publisher: JetStreamPublisher,
    private readonly client: NatsClient,
    private readonly idempotency: IdempotencyStore,
    private readonly clock: Clock,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
    @Inject(INGEST_OPTIONS) private readonly options: IngestOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async ingest(tenantId: string, body: unknown, idempotencyKey?: string): Promise<Accepted> {
    const { event, warnings } = validateEnvelope(body);
    if (idempotencyKey !== undefined) {
      if (idempotencyKey.length < 1 || idempotencyKey.length > 255) {
        throw new ProblemException(
          problem(400, 'invalid-idempotency-key', 'Invalid Idempotency-Key', 'must be 1 to 255 characters'),
        );
      }
      const earlier = await this.idempotency.find(tenantId, idempotencyKey).catch(() => {
        throw unavailable();
      });
      if (earlier) return { id: earlier, status: 'accepted', duplicate: true };
    }
    const id = idempotencyKey ? idempotentEventId(tenantId, idempotencyKey) : uuidv7();
    await this.store(tenantId, id, event);
    if (idempotencyKey) {
      // Stored already: if remembering fails, a retry within 2 minutes is still deduplicated by id.
      await this.idempotency
        .remember(tenantId, idempotencyKey, id)
        .catch((error) => this.logger.warn({ err: error, tenantId }, 'idempotency key not remembered'));
    }
    return warnings.length > 0 ? { id, status: 'accepted', warnings } : { id, status: 'accepted' };
  }

  /** Each item stands alone: valid ones are stored (all acks awaited), invalid ones say why. */
  async ingestBatch(tenantId: string, body: unknown): Promise<{ allAccepted: boolean; items: BatchItemResult[] }> {
    if (!Array.isArray(body) || body.length === 0 || body.length > MAX_BATCH_ITEMS) {
      throw new ProblemException(
        problem(
          400,
          'invalid-batch',
          'Invalid batch',
          `the body must be a JSON array of 1 to ${MAX_BATCH_ITEMS} events`,
        ),
      );
    }
    const items = await Promise.all(
      body.map(async (item, index): Promise<BatchItemResult> => {
        try {
          const { event, warnings } = validateEnvelope(item);
          const id = uuidv7();
          await this.store(tenantId, id, event);
          return warnings.length > 0 ? { index, status: 202, id, warnings } : { index, status: 202, id };
        } catch (error) {
          if (!(error instanceof ProblemException)) throw error;
          const { status, detail, errors } = error.problem;
          return { index, status, detail, ...(errors ? { errors } : {}) };
        }
      }),
    );
    return { allAccepted: items.every((item) => item.status === 202), items };
  }

  private async store(
    tenantId: string,
    id: string,
    event: ReturnType<typeof validateEnvelope>['event'],
  ): Promise<void> {
    if (!this.client.isConnected) throw unavailable();
    const message = eventIngested(id, tenantId, event, new Date(this.clock.now()).toISOString());
    try {
      await this.publisher.publish(this.subjects.event(tenantId), EventIngestedCodec, message, {
        timeoutMs: this.options.publishTimeoutMs,
      });
    } catch (error) {
      if (error instanceof MessageTooLargeError) throw tooLargeForLogProblem(error);
      this.logger.warn({ err: error, tenantId }, 'event not stored: answering 503');
      throw unavailable();
    }
  }
}
