import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager } from 'typeorm';
import {
  decodeEventStreamFact,
  occurredAtOf,
  DeliveryRequestedCodec,
  type DeliveryRequested,
  type EventStreamFact,
  type StreamNames,
  type Subjects,
} from '@daalu/contracts';
import type { JetStreamPublisher } from '@daalu/platform/jetstream';
import type { Projection, Sequenced } from '@daalu/platform/projection';
import { queueBatchItems, type BatchItemRow } from '@daalu/outbound/data-access';
import { deliveryIdOf, type TriggeringFact } from '@daalu/outbound/domain';
import { stringifyStorable } from '@daalu/shared/text';
import type { WebhookDirectory } from '../webhooks/webhook-directory';

type Fact = EventStreamFact;

/**
 * Fan-out: every fact of the EVENTS stream, against its tenant's webhooks; each webhook whose
 * trigger fires gets a `delivery.requested` on the DELIVERIES work stream. The delivery id comes from
 * the webhook and the fact, so a replay or a retried batch requests each delivery once (JetStream drops
 * the repeated Nats-Msg-Id). A webhook is sent only facts recorded after it was created.
 * A batch-mode webhook's facts are queued instead, in the batch's transaction (so with the checkpoint),
 * for the BatchCloser to close into one delivery per `maxEvents` facts or `maxSeconds`.
 */
export class WebhookFanout implements Projection<Fact | null> {
  readonly name = 'webhook-fanout';
  readonly stream: string;
  readonly filterSubject = '';

  constructor(
    streams: StreamNames,
    private readonly subjects: Subjects,
    private readonly directory: WebhookDirectory,
    private readonly publisher: JetStreamPublisher,
  ) {
    this.stream = streams.events;
  }

  decode(msg: JsMsg): Fact | null {
    return decodeEventStreamFact(msg.headers, msg.data);
  }

  async apply(batch: Sequenced<Fact | null>[], manager: EntityManager): Promise<void> {
    await this.directory.untilCaughtUp();
    const requests: Array<Promise<unknown>> = [];
    const queued: BatchItemRow[] = [];
    for (const { seq, message: fact } of batch) {
      if (!fact) continue;
      const webhooks = this.directory.list(fact.tenantId);
      if (webhooks.length === 0) continue;
      const view = triggering(fact);
      if (!view) continue;
      const at = Date.parse(occurredAtOf(fact));
      let factText: string | undefined;
      for (const webhook of webhooks) {
        if (webhook.createdAtMs > at || !this.directory.trigger(webhook).fires(view)) continue;
        // A disabled webhook's deliveries are still requested: the worker keeps them as `skipped`, for
        // a recovery once it is enabled. A disabled batch-mode webhook's facts are not queued.
        if (!webhook.spec.enabled && webhook.spec.batch) continue;
        if (webhook.spec.batch) {
          // Storable whatever the fact holds (a NUL from before the edge checks would fail the
          // insert, and with it this batch of the fan-out for every tenant, again and again).
          factText ??= stringifyStorable(fact);
          queued.push({
            webhookId: webhook.id,
            seq,
            tenantId: fact.tenantId,
            factKind: fact.kind,
            factId: fact.id,
            fact: factText,
          });
          continue;
        }
        const deliveryId = deliveryIdOf(webhook.id, fact.id);
        const request: DeliveryRequested = {
          schemaVersion: 1,
          kind: 'delivery.requested',
          id: deliveryId,
          tenantId: fact.tenantId,
          correlationId: fact.correlationId,
          causationId: fact.id,
          deliveryId,
          webhookId: webhook.id,
          factKind: fact.kind,
          factId: fact.id,
          fact: fact as unknown as Record<string, unknown>,
          requestedAt: new Date().toISOString(),
        };
        requests.push(this.publisher.publish(this.subjects.delivery(fact.tenantId), DeliveryRequestedCodec, request));
      }
    }
    await queueBatchItems(manager, queued);
    // All acknowledged before the batch commits: a failure retries the batch (the ids dedupe).
    await Promise.all(requests);
  }

  async reset(): Promise<void> {
    // Nothing of its own to empty: the deliveries it requested are the dispatcher's history.
  }
}

/** The fact as triggers see it; null for one no trigger selects (a silence, a silenced alert). */
function triggering(fact: Fact): TriggeringFact | null {
  switch (fact.kind) {
    case 'event.ingested':
      return {
        kind: fact.kind,
        type: fact.type,
        module: fact.module,
        source: fact.source,
        severity: fact.severity,
        payload: fact.payload,
      };
    case 'alert.fired':
      // Silenced: no receiver is told now; `alert.unsilenced` tells them when the silence ends.
      return fact.silencedBy ? null : { kind: fact.kind, severity: fact.severity };
    case 'alert.resolved':
      // Still silenced when it ended: no receiver heard it fire, none is told it ended.
      return fact.silenced ? null : { kind: fact.kind, severity: fact.severity };
    case 'alert.unsilenced':
      // The silence ended while it fires: delivered as it would have been when it fired.
      return { kind: 'alert.fired', severity: fact.severity };
    case 'alert.acknowledged':
    case 'alert.unacknowledged':
      return { kind: fact.kind, severity: fact.severity };
    case 'silence.created':
    case 'silence.expired':
    case 'check.paused':
    case 'check.resumed':
      return null;
    default:
      return { kind: fact.kind, proposalKind: fact.proposalKind };
  }
}
