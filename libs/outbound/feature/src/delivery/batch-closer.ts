import type { DataSource } from 'typeorm';
import { DELIVERY_BATCH_KIND, DeliveryRequestedCodec, type Subjects } from '@daalu/contracts';
import type { JetStreamPublisher } from '@daalu/platform/jetstream';
import type { Logger } from '@daalu/platform/observability';
import {
  closeBatches,
  dropOpenItems,
  markBatchesRequested,
  openBatches,
  unrequestedBatches,
  type OpenBatch,
} from '@daalu/outbound/data-access';
import { batchIdOf } from '@daalu/outbound/domain';
import type { WebhookDirectory } from '../webhooks/webhook-directory';

/** A batch's facts, at most (JSON bytes): one POST stays a reasonable size whatever the events weigh. */
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** A webhook whose batch mode was turned off: what still waits goes in batches of this many. */
const LEFTOVER_BATCH = 1000;

/**
 * Batch mode: closes a batch-mode webhook's queued facts into batches (every `maxEvents` facts, or
 * when the oldest has waited `maxSeconds`, or at 4 MiB) and requests one delivery per batch on the
 * DELIVERIES stream, like any other delivery (signed, retried, rate-limited, in the history).
 * Runs on every dispatcher replica: a closer per webhook at a time (a PostgreSQL lock), and a batch's
 * request id is its batch id, so two replicas requesting it store it once.
 */
export class BatchCloser {
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(
    private readonly db: DataSource,
    private readonly directory: WebhookDirectory,
    private readonly publisher: JetStreamPublisher,
    private readonly subjects: Subjects,
    private readonly logger: Logger,
    private readonly tickMs = 250,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
    }, this.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  /** Closes what is due and requests what is closed; a failure is logged and tried again next tick. */
  async tick(now = Date.now()): Promise<void> {
    try {
      for (const open of await openBatches(this.db)) await this.close(open, now);
      for (;;) {
        const closed = await unrequestedBatches(this.db);
        if (closed.length === 0) break;
        await Promise.all(
          closed.map((batch) =>
            this.publisher.publish(this.subjects.delivery(batch.tenantId), DeliveryRequestedCodec, {
              schemaVersion: 1,
              kind: 'delivery.requested',
              id: batch.batchId,
              tenantId: batch.tenantId,
              correlationId: batch.batchId,
              causationId: null,
              deliveryId: batch.batchId,
              webhookId: batch.webhookId,
              factKind: DELIVERY_BATCH_KIND,
              factId: batch.batchId,
              fact: { size: batch.size },
              requestedAt: batch.closedAt,
            }),
          ),
        );
        await markBatchesRequested(
          this.db,
          closed.map((batch) => batch.batchId),
        );
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'closing delivery batches failed; trying again');
    }
  }

  private async close(open: OpenBatch, now: number): Promise<void> {
    const webhook = this.directory.get(open.tenantId, open.webhookId);
    if (!webhook || !webhook.spec.enabled) {
      const dropped = await dropOpenItems(this.db, open.webhookId);
      this.logger.info({ webhookId: open.webhookId, dropped }, 'webhook deleted or disabled: its queued facts dropped');
      return;
    }
    const batch = webhook.spec.batch;
    const maxEvents = batch?.maxEvents ?? LEFTOVER_BATCH;
    const closeFirst = !batch || now - open.oldestAt >= batch.maxSeconds * 1000;
    const full = open.size >= maxEvents || open.bytes >= MAX_BATCH_BYTES;
    if (!closeFirst && !full) return;
    const closed = await closeBatches(
      this.db,
      open.webhookId,
      { maxEvents, maxBytes: MAX_BATCH_BYTES, closeFirst },
      batchIdOf,
    );
    if (closed.length > 0)
      this.logger.debug({ webhookId: open.webhookId, batches: closed.map((b) => b.size) }, 'delivery batches closed');
  }
}
