import type { JsMsg } from '@nats-io/jetstream';
import { DELIVERY_BATCH_KIND, DeliveryRequestedCodec, type DeliveryRequested } from '@daalu/contracts';
import { ack, nak, sleep, type Decision } from '@daalu/platform/jetstream';
import type { GossipRateLimiter } from '@daalu/platform/rate-limit';
import type { Logger } from '@daalu/platform/observability';
import {
  isDataError,
  minimalRecord,
  recordableError,
  type AttemptToRecord,
  type DeliveryJournal,
  type DeliveryProgress,
  type DeliveryRow,
} from '@daalu/outbound/data-access';
import {
  deliveryIdOf,
  giveUpReason,
  MAX_RENDERED_BYTES,
  nextAttemptAt,
  ratePerSecondOf,
  RenderBudget,
  RenderTooLargeError,
  renderTemplate,
  retryScheduleOf,
  signatureHeaders,
  type RetrySchedule,
  type SecretBox,
} from '@daalu/outbound/domain';
import { sanitizeText, truncateUnits } from '@daalu/shared/text';
import type { StoredWebhook, WebhookDirectory } from '../webhooks/webhook-directory';
import { MAX_BATCH_BYTES } from './batch-closer';
import type { DeliveryMetrics } from './delivery-metrics';
import type { HttpSender } from './http-sender';

/** The request body kept in an attempt's record, at most (UTF-16 units, cut between characters). */
const KEPT_BODY = 16_384;

/** A body that cannot be built (a template rendering over its budget): the delivery fails, unsent. */
class UnsendableBody extends Error {}

/**
 * One delivery attempt per message of the DELIVERIES work stream (any replica may take any message):
 * build the body, sign it with the webhook's secrets as they are now, POST it, record the attempt.
 * Delivered: ack. Failed: `nak` with the schedule's wait, so JetStream hands it back then (to any
 * replica), until the retry window is over: then the delivery is marked failed and acked.
 * Every attempt carries the same `webhook-id` (the delivery id), also after a crash or on another replica.
 *
 * Every delivery ends `delivered` or `failed`, and only an infrastructure error (the database
 * unreachable) makes `handle` throw:
 *  - a body that cannot be built (a template rendering over 1 MiB, or failing) fails the delivery
 *    at once, recorded with the reason and never POSTed;
 *  - an attempt record PostgreSQL refuses is recorded minimally instead (`minimalRecord`), which ends
 *    the delivery; what goes in a record is made storable first (sanitized, cut between characters);
 *  - a delivery past its retry window and grace, or handed out more times than its window allows
 *    (`giveUpReason`), is recorded failed without another POST. This is the bound on redeliveries
 *    of the `dispatch` consumer, kept here rather than by its `max_deliver` (a message JetStream
 *    stopped handing out would leave its delivery `pending` for ever).
 */
export class DeliveryWorker {
  private readonly openedValues = new Map<string, string>();
  private readonly inFlightPerUrl = new Map<string, number>();
  /** Each URL's POSTs per second: the platform's cap, or lower where its webhook asks (`delivery.ratePerSecond`). */
  private readonly ratePerUrl = new Map<string, number>();

  constructor(
    private readonly directory: WebhookDirectory,
    private readonly sender: HttpSender,
    private readonly box: SecretBox,
    private readonly journal: DeliveryJournal,
    private readonly schedule: RetrySchedule,
    private readonly logger: Logger,
    private readonly perUrl: GossipRateLimiter,
    private readonly metrics: DeliveryMetrics,
    private readonly platformRatePerUrl: number,
    private readonly platformTimeoutMs: number,
  ) {}

  /** The rate limiter's limit for a URL (its webhook's own rate once one of its deliveries was seen). */
  limitOf(url: string): { perSecond: number; burst: number } {
    const perSecond = this.ratePerUrl.get(url) ?? this.platformRatePerUrl;
    return { perSecond, burst: perSecond };
  }

  /** A webhook's own rate, retry window and timeout, each within the platform's. */
  private settingsOf(webhook: StoredWebhook): { schedule: RetrySchedule; timeoutMs: number | undefined } {
    const own = webhook.spec.delivery;
    const rate = ratePerSecondOf(webhook.spec, this.platformRatePerUrl);
    if ((this.ratePerUrl.get(webhook.spec.url) ?? this.platformRatePerUrl) !== rate) {
      this.ratePerUrl.set(webhook.spec.url, rate);
      this.perUrl.reconfigure(webhook.spec.url);
    }
    return {
      schedule:
        own?.retryWindowS === undefined
          ? this.schedule
          : retryScheduleOf(this.schedule.baseMs, Math.min(own.retryWindowS * 1000, this.schedule.windowMs)),
      // Never longer than the platform's: the consumer's ack wait (3x that) must outlast any attempt.
      timeoutMs: own?.timeoutMs === undefined ? undefined : Math.min(own.timeoutMs, this.platformTimeoutMs),
    };
  }

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
   * Throws `UnsendableBody` when the template renders over its budget (1 MiB for one fact, the batch
   * cap for a batch) or cannot be rendered.
   */
  private async bodyOf(webhook: StoredWebhook, request: DeliveryRequested): Promise<string | null> {
    const batch = request.factKind === DELIVERY_BATCH_KIND;
    const facts = batch
      ? await this.journal.batchFacts(request.factId)
      : [{ factId: request.factId, factKind: request.factKind, fact: request.fact }];
    if (facts.length === 0) return null;
    const template = webhook.spec.template;
    const budget = new RenderBudget(batch ? MAX_BATCH_BYTES : MAX_RENDERED_BYTES);
    try {
      if (batch && template) budget.spend(2 + facts.length - 1); // the array's brackets and commas
      const bodies = facts.map((item) => {
        const id = batch ? deliveryIdOf(webhook.id, item.factId) : request.deliveryId;
        const data = { id, type: item.factKind, tenantId: request.tenantId, data: item.fact };
        return template ? renderTemplate(template.fields, { ...item.fact, delivery: data }, budget) : data;
      });
      return JSON.stringify(batch ? bodies : bodies[0]);
    } catch (error) {
      if (error instanceof RenderTooLargeError) throw new UnsendableBody(error.message);
      if (!template) throw error;
      throw new UnsendableBody(`the template could not be rendered: ${(error as Error)?.message ?? String(error)}`);
    }
  }

  async handle(msg: JsMsg): Promise<Decision> {
    const request: DeliveryRequested = DeliveryRequestedCodec.decode(msg.data);
    // Right after a start the directory is still reading CONFIG: a webhook not found yet is not a
    // deleted one (acking it then lost deliveries after a restart).
    if (!this.directory.caughtUp) return nak(DIRECTORY_LOADING_RETRY_MS, 'the webhook directory is still loading');
    const webhook = this.directory.get(request.tenantId, request.webhookId);
    if (!webhook) return ack(); // deleted since: nothing to send
    if (!webhook.spec.enabled) {
      // Kept, unsent, so that enabling the webhook and recovering can send it.
      await this.journal.skip(deliveryRow(request));
      return ack();
    }
    const progress = await this.journal.progress(request.deliveryId);
    if (progress && progress.state !== 'pending') return ack(); // finished already (a redelivered message)
    const settings = this.settingsOf(webhook);
    const givenUp = giveUpReason(
      settings.schedule,
      progress?.firstAttemptAt ?? null,
      msg.info.deliveryCount,
      Date.now(),
    );
    if (givenUp) return this.failUnsent(request, givenUp);

    // A slow receiver may hold a few of this replica's slots, never all of them (other URLs go on).
    const url = webhook.spec.url;
    const busy = this.inFlightPerUrl.get(url) ?? 0;
    if (busy >= MAX_IN_FLIGHT_PER_URL) return nak(SLOW_URL_RETRY_MS, 'the URL has its most deliveries in flight');
    this.inFlightPerUrl.set(url, busy + 1);
    try {
      return await this.attempt(msg, webhook, request, progress, settings);
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
    settings: { schedule: RetrySchedule; timeoutMs: number | undefined },
  ): Promise<Decision> {
    // 50 POSTs/s per URL across replicas: a short wait here, a longer one back in the queue (never dropped).
    const waited = await this.waitForTurn(webhook.spec.url);
    if (waited !== true) return nak(waited, 'the URL is at its rate limit');
    // The ack wait counts from here: a wait for the URL's turn must not make JetStream think this
    // replica died and hand the delivery to another (which would send it twice).
    msg.working();

    let body: string | null;
    try {
      body = await this.bodyOf(webhook, request);
    } catch (error) {
      if (error instanceof UnsendableBody) return this.failUnsent(request, error.message);
      throw error;
    }
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
    const outcome = await this.sender.send(webhook.spec.url, { ...custom, ...signed }, body, settings.timeoutMs);

    const firstAttemptAt = progress?.firstAttemptAt ?? now;
    const attempts = (progress?.attempts ?? 0) + 1;
    // 410 Gone: the receiver says the URL is gone for good (Standard Webhooks): no retry, and the
    // webhook is disabled (health.ts).
    const next =
      outcome.delivered || outcome.status === 410
        ? null
        : nextAttemptAt(settings.schedule, attempts, firstAttemptAt, Date.now(), outcome.retryAfter);
    let state: AttemptToRecord['next']['state'] = outcome.delivered
      ? 'delivered'
      : next === null
        ? 'failed'
        : 'pending';
    const recorded = await this.record({
      delivery: deliveryRow(request),
      attempt: {
        at: now,
        durationMs: outcome.durationMs,
        // Custom header values are secrets (an Authorization): the record keeps their names only.
        // The body is cut between characters (never through an emoji) and kept as storable text.
        request: { headers: { ...maskValues(custom), ...signed }, body: sanitizeText(truncateUnits(body, KEPT_BODY)) },
        response:
          outcome.status === null ? null : { status: outcome.status, headers: outcome.headers, body: outcome.body },
        error: outcome.error === null ? null : recordableError(outcome.error),
      },
      next: { state, nextAttemptAt: next },
    });
    const attempt = recorded.attempt;
    state = recorded.state;
    this.metrics.record(state === 'pending' ? 'retrying' : state, outcome.durationMs);
    if (state === 'pending') {
      this.logger.info(
        { deliveryId: request.deliveryId, attempt, status: outcome.status, error: outcome.error },
        'delivery attempt failed; retrying',
      );
      return nak(Math.max(0, next! - Date.now()), `attempt ${attempt} failed`);
    }
    if (state === 'failed') {
      const why = recorded.minimal ? 'its attempt could not be recorded' : 'retry window over';
      this.logger.warn({ deliveryId: request.deliveryId, attempts: attempt }, `delivery failed: ${why}`);
    }
    return ack();
  }

  /**
   * Records an attempt. A record PostgreSQL refuses (a data error: retrying would be refused again) is
   * recorded minimally instead, which ends the delivery; any other error is thrown (a nak: retried).
   */
  private async record(
    toRecord: AttemptToRecord,
  ): Promise<{ attempt: number; state: AttemptToRecord['next']['state']; minimal: boolean }> {
    try {
      return { attempt: await this.journal.record(toRecord), state: toRecord.next.state, minimal: false };
    } catch (error) {
      if (!isDataError(error)) throw error;
      const minimal = minimalRecord(toRecord, error);
      // The error's message only: the failed statement's parameters hold the whole batch.
      this.logger.error(
        { deliveryId: toRecord.delivery.deliveryId, error: minimal.attempt.error },
        'the database refused an attempt record; recorded without its fact, request and response',
      );
      return { attempt: await this.journal.record(minimal), state: minimal.next.state, minimal: true };
    }
  }

  /** Fails a delivery without sending it (its body cannot be built, or it is given up), and acks. */
  private async failUnsent(request: DeliveryRequested, reason: string): Promise<Decision> {
    const { attempt } = await this.record({
      delivery: deliveryRow(request),
      attempt: {
        at: Date.now(),
        durationMs: 0,
        request: { headers: {}, body: '' },
        response: null,
        error: recordableError(reason),
      },
      next: { state: 'failed', nextAttemptAt: null },
    });
    this.metrics.record('failed', 0);
    this.logger.warn({ deliveryId: request.deliveryId, attempts: attempt, reason }, 'delivery failed without sending');
    return ack();
  }
}

function deliveryRow(request: DeliveryRequested): DeliveryRow {
  const { fact } = request;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    deliveryId: request.deliveryId,
    tenantId: request.tenantId,
    webhookId: request.webhookId,
    factKind: request.factKind,
    factId: request.factId,
    createdAt: request.requestedAt,
    fact,
    // What the history shows and filters on: the event's type (else the kind), the summary or title.
    factType: (request.factKind === 'event.ingested' ? text(fact.type) : null) ?? request.factKind,
    summary: truncateUnits(text(fact.summary) ?? text(fact.title) ?? '', MAX_SUMMARY) || null,
  };
}

/** A delivery's summary in the history, at most (UTF-16 units, cut between characters). */
const MAX_SUMMARY = 300;

/**
 * Deliveries to one URL in flight on a replica at most: a receiver taking the whole timeout to answer
 * holds this many of the replica's slots, and the rest keep serving other URLs.
 */
const MAX_IN_FLIGHT_PER_URL = 32;
/** When a delivery to such a URL is offered again. */
const SLOW_URL_RETRY_MS = 1000;
/** When a delivery that came before the directory had loaded is offered again. */
const DIRECTORY_LOADING_RETRY_MS = 500;

/** Opened secrets and header values kept at most (a few per webhook). */
const MAX_OPENED_VALUES = 10_000;

/** The longest a delivery waits in place for its URL's turn; longer, it goes back to the queue. */
const MAX_WAIT_IN_PLACE_MS = 1000;

function maskValues(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, '••••••']));
}
