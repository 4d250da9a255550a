import type { JsMsg } from '@nats-io/jetstream';
import { DELIVERY_BATCH_KIND, DeliveryRequestedCodec, type DeliveryRequested } from '@daalu/contracts';
import { ack, nak, sleep, type Decision } from '@daalu/platform/jetstream';
import type { GossipRateLimiter } from '@daalu/platform/rate-limit';
import type { Logger } from '@daalu/platform/observability';
import type { DeliveryJournal, DeliveryProgress } from '@daalu/outbound/data-access';
import {
  deliveryIdOf,
  nextAttemptAt,
  renderTemplate,
  signatureHeaders,
  type RetrySchedule,
  type SecretBox,
} from '@daalu/outbound/domain';
import type { StoredWebhook, WebhookDirectory } from '../webhooks/webhook-directory';
import type { DeliveryMetrics } from './delivery-metrics';
import type { HttpSender } from './http-sender';

/** The request body kept in an attempt's record, at most (characters). */
const KEPT_BODY = 16_384;

/**
 * One delivery attempt per message of the DELIVERIES work stream (any replica may take any message):
 * build the body, sign it with the webhook's secrets as they are now, POST it, record the attempt.
 * Delivered: ack. Failed: `nak` with the schedule's wait, so JetStream hands it back then (to any
 * replica), until the retry window is over: then the delivery is marked failed and acked.
 * Every attempt carries the same `webhook-id` (the delivery id), also after a crash or on another replica.
 */
export class DeliveryWorker {
  private readonly openedValues = new Map<string, string>();
  private readonly inFlightPerUrl = new Map<string, number>();

  constructor(
    private readonly directory: WebhookDirectory,
    private readonly sender: HttpSender,
    private readonly box: SecretBox,
    private readonly journal: DeliveryJournal,
    private readonly schedule: RetrySchedule,
    private readonly logger: Logger,
    private readonly perUrl: GossipRateLimiter,
    private readonly metrics: DeliveryMetrics,
  ) {}

  /**
   * A sealed secret or header value, opened once and then kept (every delivery to a webhook needs the
   * same ones; decrypting each time was a measurable share of a delivery's CPU). Bounded: cleared when full.
   */
  private opened(sealed: string): string {
    let plain = this.openedValues.get(sealed);
    if (plain === undefined) {
      if (this.openedValues.size >= MAX_OPENED_VALUES) this.openedValues.clear();
      plain = this.box.open(sealed);
      this.openedValues.set(sealed, plain);
    }
    return plain;
  }

  /** True once the URL has a token for this POST; else how long to wait in the queue (ms). */
  private async waitForTurn(url: string): Promise<true | number> {
    let waited = 0;
    for (;;) {
      const turn = this.perUrl.take(url);
      if (turn.allowed) return true;
      if (waited + turn.waitMs > MAX_WAIT_IN_PLACE_MS) return turn.waitMs;
      await sleep(turn.waitMs);
      waited += turn.waitMs;
    }
  }

  /**
   * The POST's body: `{id, type, tenantId, data}` for one fact (or the webhook's template filled from
   * it); for a batch, a JSON array of those, one per fact in log order, each `id` the id the fact's own
   * delivery would have had (receivers can deduplicate facts across batches). Null: a batch that is gone.
   */
  private async bodyOf(webhook: StoredWebhook, request: DeliveryRequested): Promise<string | null> {
    const one = (deliveryId: string, factKind: string, fact: Record<string, unknown>) => {
      const data = { id: deliveryId, type: factKind, tenantId: request.tenantId, data: fact };
      return webhook.spec.template ? renderTemplate(webhook.spec.template.fields, { ...fact, delivery: data }) : data;
    };
    if (request.factKind !== DELIVERY_BATCH_KIND)
      return JSON.stringify(one(request.deliveryId, request.factKind, request.fact));
    const facts = await this.journal.batchFacts(request.factId);
    if (facts.length === 0) return null;
    return JSON.stringify(facts.map((item) => one(deliveryIdOf(webhook.id, item.factId), item.factKind, item.fact)));
  }

  async handle(msg: JsMsg): Promise<Decision> {
    const request: DeliveryRequested = DeliveryRequestedCodec.decode(msg.data);
    const webhook = this.directory.get(request.tenantId, request.webhookId);
    if (!webhook || !webhook.spec.enabled) return ack(); // deleted or disabled since: nothing to send
    const progress = await this.journal.progress(request.deliveryId);
    if (progress && progress.state !== 'pending') return ack(); // finished already (a redelivered message)

    // A slow receiver may hold a few of this replica's slots, never all of them (other URLs go on).
    const url = webhook.spec.url;
    const busy = this.inFlightPerUrl.get(url) ?? 0;
    if (busy >= MAX_IN_FLIGHT_PER_URL) return nak(SLOW_URL_RETRY_MS, 'the URL has its most deliveries in flight');
    this.inFlightPerUrl.set(url, busy + 1);
    try {
      return await this.attempt(msg, webhook, request, progress);
    } finally {
      const left = this.inFlightPerUrl.get(url)! - 1;
      if (left === 0) this.inFlightPerUrl.delete(url);
      else this.inFlightPerUrl.set(url, left);
    }
  }

  private async attempt(
    msg: JsMsg,
    webhook: StoredWebhook,
    request: DeliveryRequested,
    progress: DeliveryProgress | null,
  ): Promise<Decision> {
    // 50 POSTs/s per URL across replicas: a short wait here, a longer one back in the queue (never dropped).
    const waited = await this.waitForTurn(webhook.spec.url);
    if (waited !== true) return nak(waited, 'the URL is at its rate limit');
    // The ack wait counts from here: a wait for the URL's turn must not make JetStream think this
    // replica died and hand the delivery to another (which would send it twice).
    msg.working();

    const body = await this.bodyOf(webhook, request);
    if (body === null) {
      this.logger.warn({ deliveryId: request.deliveryId }, 'batch delivery without facts (purged): nothing to send');
      return ack();
    }
    const now = Date.now();
    const secrets = this.directory.signingSecrets(webhook, now).map((secret) => this.opened(secret.sealed));
    const custom = Object.fromEntries(
      Object.entries(webhook.sealedHeaders).map(([name, sealed]) => [name, this.opened(sealed)]),
    );
    const signed = signatureHeaders(secrets, request.deliveryId, Math.floor(now / 1000), body);
    const outcome = await this.sender.send(webhook.spec.url, { ...custom, ...signed }, body);

    const firstAttemptAt = progress?.firstAttemptAt ?? now;
    const attempts = (progress?.attempts ?? 0) + 1;
    const next = outcome.delivered
      ? null
      : nextAttemptAt(this.schedule, attempts, firstAttemptAt, Date.now(), outcome.retryAfter);
    const state = outcome.delivered ? 'delivered' : next === null ? 'failed' : 'pending';
    const attempt = await this.journal.record({
      delivery: {
        deliveryId: request.deliveryId,
        tenantId: request.tenantId,
        webhookId: request.webhookId,
        factKind: request.factKind,
        factId: request.factId,
        createdAt: request.requestedAt,
        fact: request.fact,
      },
      attempt: {
        at: now,
        durationMs: outcome.durationMs,
        // Custom header values are secrets (an Authorization): the record keeps their names only.
        request: { headers: { ...maskValues(custom), ...signed }, body: body.slice(0, KEPT_BODY) },
        response:
          outcome.status === null ? null : { status: outcome.status, headers: outcome.headers, body: outcome.body },
        error: outcome.error,
      },
      next: { state, nextAttemptAt: next },
    });
    this.metrics.record(state === 'pending' ? 'retrying' : state, outcome.durationMs);
    if (state === 'pending') {
      this.logger.info(
        { deliveryId: request.deliveryId, attempt, status: outcome.status, error: outcome.error },
        'delivery attempt failed; retrying',
      );
      return nak(Math.max(0, next! - Date.now()), `attempt ${attempt} failed`);
    }
    if (state === 'failed')
      this.logger.warn({ deliveryId: request.deliveryId, attempts: attempt }, 'delivery failed: retry window over');
    return ack();
  }
}

/**
 * Deliveries to one URL in flight on a replica at most: a receiver taking the whole timeout to answer
 * holds this many of the replica's slots, and the rest keep serving other URLs.
 */
const MAX_IN_FLIGHT_PER_URL = 32;
/** When a delivery to such a URL is offered again. */
const SLOW_URL_RETRY_MS = 1000;

/** Opened secrets and header values kept at most (a few per webhook). */
const MAX_OPENED_VALUES = 10_000;

/** The longest a delivery waits in place for its URL's turn; longer, it goes back to the queue. */
const MAX_WAIT_IN_PLACE_MS = 1000;

function maskValues(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, '••••••']));
}
