import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DeliveryRequestedCodec, type Subjects } from '@daalu/contracts';
import type { JetStreamPublisher } from '@daalu/platform/jetstream';
import type { Logger } from '@daalu/platform/observability';
import { advanceRecovery, leaseRecoveries, recoveryChunk, type LeasedRecovery } from '@daalu/outbound/data-access';
import { ratePerSecondOf, recoveryMessageIdOf } from '@daalu/outbound/domain';
import { PeriodicTask } from '../periodic-task';
import type { WebhookDirectory } from '../webhooks/webhook-directory';

/** Recoveries one replica publishes at once at most. */
const LEASED_AT_ONCE = 20;
/** How long a replica holds a recovery between ticks; one that stopped gives it up to another after this. */
const LEASE_MS = 10_000;

/**
 * Publishes the deliveries recoveries claimed (`startRecovery`), at each webhook's rate: every second,
 * a recovery requests as many deliveries as its URL may take in a second (50, or the webhook's own
 * rate), so a recovery of thousands never fills the dispatch consumer's ack-pending budget that every
 * tenant shares, nor waits in it. Each recovery is leased to one replica at a time; its cursor is
 * kept in the database, so another replica takes over where a stopped one left off, and a delivery
 * requested twice carries the same message id (stored once within the duplicate window) and is sent
 * once anyway: the worker sends only deliveries still `pending`.
 */
export class RecoveryPublisher {
  private readonly owner = randomUUID();
  private readonly task = new PeriodicTask(
    () => this.tick(),
    1000,
    (error) => this.logger.warn({ err: error }, 'publishing recoveries failed; next second again'),
  );

  constructor(
    private readonly db: DataSource,
    private readonly directory: WebhookDirectory,
    private readonly publisher: JetStreamPublisher,
    private readonly subjects: Subjects,
    private readonly platformRatePerUrl: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  async tick(): Promise<void> {
    const leased = await leaseRecoveries(this.db, this.owner, LEASE_MS, LEASED_AT_ONCE);
    for (const recovery of leased) await this.step(recovery);
  }

  private async step(recovery: LeasedRecovery): Promise<void> {
    const webhook = this.directory.get(recovery.tenantId, recovery.webhookId);
    if (!webhook) {
      await advanceRecovery(this.db, this.owner, recovery, [], true); // deleted: nothing left to send
      return;
    }
    const rate = ratePerSecondOf(webhook.spec, this.platformRatePerUrl);
    const chunk = await recoveryChunk(this.db, recovery, rate);
    await Promise.all(
      chunk.map((delivery) =>
        this.publisher.publish(this.subjects.delivery(recovery.tenantId), DeliveryRequestedCodec, {
          schemaVersion: 1,
          kind: 'delivery.requested',
          id: recoveryMessageIdOf(recovery.recoveryId, delivery.deliveryId),
          tenantId: recovery.tenantId,
          correlationId: delivery.deliveryId,
          causationId: null,
          deliveryId: delivery.deliveryId,
          webhookId: delivery.webhookId,
          factKind: delivery.factKind,
          factId: delivery.factId,
          fact: delivery.fact,
          // The delivery keeps its place in the history: its creation time is the original request's.
          requestedAt: delivery.createdAt,
        }),
      ),
    );
    const finished = chunk.length < rate;
    await advanceRecovery(this.db, this.owner, recovery, chunk, finished);
    if (chunk.length > 0 || finished) {
      this.logger.info(
        {
          recoveryId: recovery.recoveryId,
          webhookId: recovery.webhookId,
          requested: recovery.requested + chunk.length,
          total: recovery.total,
        },
        finished ? 'recovery: every delivery requested again' : 'recovery: requested deliveries again',
      );
    }
  }
}
