import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { PoisonMessageError } from '@daalu/contracts';
import type { Logger } from 'pino';
import type { Metrics, Readiness } from '@daalu/platform/observability';
import { sanitizeText, truncateUnits } from '@daalu/shared/text';
import { backoffMs, sleep } from './backoff';
import type { DeadLetterRecorder } from './dead-letter-recorder';
import { nak, term, type Decision } from './decision';
import { isTransientError } from './failure-kind';
import type { NatsClient } from './nats-client';
import { isForConsumer } from './replay-target';
import { Semaphore } from './semaphore';
import { StallWatch } from './stall-watch';

/** How often the consumer's numbers are read for the metrics. */
const STATS_INTERVAL_MS = 5_000;

export interface WorkConsumerOptions {
  stream: string;
  durable: string;
  /** Messages processed at once by this replica. */
  maxInFlight: number;
  /**
   * Decides what happens to one message. A thrown error is retried with backoff: forever when it is an
   * infrastructure error (isTransientError), else `triesOnError` times in all, then the message is
   * dead-lettered with the error as its reason (a poison message must not be retried forever).
   */
  handle(msg: JsMsg): Promise<Decision>;
  /** Deliveries of one message that end in a non-transient error before it is set aside (default 3). */
  triesOnError?: number;
  /** Messages waiting and none finished here for this long: stalled, the app not ready (ms; 0: never). */
  stallAfterMs?: number;
}

/**
 * Runs a durable pull consumer whose messages are independent units of work (deliveries, evaluations):
 * many replicas may share it, each with bounded in-flight work. Every message ends in exactly one
 * explicit decision: ack, nak with a delay, or term after being recorded as a dead letter. A replayed
 * dead letter addressed to another consumer is acknowledged without handling.
 */
export class WorkConsumer {
  private readonly slots: Semaphore;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private watch?: NodeJS.Timeout;
  private warnedAt = 0;
  private readonly stall: StallWatch;

  constructor(
    private readonly client: NatsClient,
    private readonly options: WorkConsumerOptions,
    private readonly deadLetters: DeadLetterRecorder,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    readiness?: Readiness,
  ) {
    this.slots = new Semaphore(options.maxInFlight);
    this.stall = new StallWatch(options.stallAfterMs ?? 0);
    readiness?.register(`consumer ${options.durable}`, () =>
      this.stall.verdict
        ? { ok: false, detail: `stalled: messages wait and none finished for ${this.stall.stillForMs} ms` }
        : { ok: true },
    );
  }

  start(): void {
    this.loop ??= this.run();
    this.watch ??= setInterval(
      () => void this.observe(),
      Math.min(STATS_INTERVAL_MS, Math.max(250, (this.options.stallAfterMs || STATS_INTERVAL_MS * 4) / 4)),
    );
    this.watch.unref();
  }

  /** Stops pulling, then waits for in-flight messages to be decided. */
  async stop(): Promise<void> {
    clearInterval(this.watch);
    this.abort.abort();
    await this.messages?.close().catch(() => undefined);
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    const { stream, durable, maxInFlight } = this.options;
    for (let attempt = 0; !this.abort.signal.aborted; attempt++) {
      try {
        const consumer = await this.client.js.consumers.get(stream, durable);
        this.messages = await consumer.consume({ max_messages: maxInFlight });
        attempt = 0;
        for await (const msg of this.messages) {
          await this.slots.acquire();
          const task = this.process(msg).finally(() => {
            this.slots.release();
            this.inFlight.delete(task);
          });
          this.inFlight.add(task);
        }
      } catch (error) {
        if (this.abort.signal.aborted) break;
        this.logger.warn({ err: error, consumer: durable }, 'consumer stopped unexpectedly; restarting');
      }
      await sleep(backoffMs(attempt), this.abort.signal);
    }
  }

  /**
   * The consumer's backlog and unacknowledged count (shared by all replicas, as the server counts them)
   * as metrics; a warning while unacknowledged messages near max_ack_pending, where the server stops
   * handing out new ones.
   */
  private async observe(): Promise<void> {
    const { stream, durable } = this.options;
    try {
      const info = await this.client.jsm.consumers.info(stream, durable);
      this.metrics.consumerLag.set({ consumer: durable }, info.num_pending);
      this.metrics.consumerAckPending.set({ consumer: durable }, info.num_ack_pending);
      // Waiting = not yet handed out; deliveries scheduled for a later retry are not waiting for us.
      this.stall.waiting(info.num_pending);
      const cap = info.config.max_ack_pending ?? 0;
      if (cap > 0 && info.num_ack_pending >= 0.9 * cap && Date.now() - this.warnedAt > 60_000) {
        this.warnedAt = Date.now();
        this.logger.warn(
          { consumer: durable, ackPending: info.num_ack_pending, maxAckPending: cap },
          'unacknowledged messages near max_ack_pending: new messages will wait (receivers failing? raise the cap)',
        );
      }
    } catch (error) {
      this.logger.debug({ err: error, consumer: durable }, 'consumer info unavailable');
    }
    const stalled = this.stall.check(() =>
      this.logger.error({ consumer: durable, stillForMs: this.stall.stillForMs }, 'consumer stalled: messages wait'),
    );
    this.metrics.consumerStalled.set({ consumer: durable }, stalled ? 1 : 0);
  }

  private async process(msg: JsMsg): Promise<void> {
    const consumer = this.options.durable;
    let decision: Decision;
    try {
      decision = isForConsumer(msg, consumer) ? await this.options.handle(msg) : { outcome: 'ack' };
    } catch (error) {
      decision = this.onError(msg, error);
    }
    this.stall.moved();
    switch (decision.outcome) {
      case 'ack':
        msg.ack();
        break;
      case 'nak':
        this.logger.warn(
          { consumer, seq: msg.seq, delayMs: decision.delayMs, reason: decision.reason },
          'message will be retried',
        );
        msg.nak(decision.delayMs);
        break;
      case 'term':
        try {
          await this.deadLetters.record(consumer, msg, decision.reason);
          // No reason on the wire: nats-server 2.9 ignores "+TERM <reason>"; the dead letter has it.
          msg.term();
        } catch (error) {
          // Not recorded, so not terminated: try again later rather than lose it.
          this.logger.error({ err: error, consumer, seq: msg.seq }, 'could not record dead letter; will retry');
          msg.nak(5000);
          decision = nak(5000, 'dead letter not recorded');
        }
        break;
    }
    const outcome = decision.outcome === 'term' ? 'dead_lettered' : decision.outcome === 'ack' ? 'acked' : 'nak';
    this.metrics.messagesHandled.inc({ consumer, outcome });
  }

  /** The poison policy for a thrown error: retry the infrastructure forever, a message's own error a few times. */
  private onError(msg: JsMsg, error: unknown): Decision {
    const message = truncateUnits(sanitizeText((error as Error)?.message ?? String(error)), 1000);
    if (error instanceof PoisonMessageError) return term(message);
    const delay = backoffMs(msg.info.deliveryCount - 1, 500, 60_000);
    if (isTransientError(error)) return nak(delay, message);
    const tries = this.options.triesOnError ?? 3;
    return msg.info.deliveryCount >= tries
      ? term(`failed ${msg.info.deliveryCount} times: ${message}`)
      : nak(delay, `${message} (try ${msg.info.deliveryCount} of ${tries})`);
  }
}
