import { Inject, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { decodeConfigFact, type ConfigFact } from '@daalu/contracts';
import {
  DeadLetterRecorder,
  isForConsumer,
  sleep,
  STALL_AFTER_MS,
  StallWatch,
  type NatsClient,
  type StreamNames,
} from '@daalu/platform/jetstream';
import { Metrics, type Logger, type Readiness } from '@daalu/platform/observability';
import { sanitizeText, truncateUnits } from '@daalu/shared/text';

/** How often the stream's last sequence is read for the stall check. */
const WATCH_INTERVAL_MS = 5_000;

/**
 * An in-memory projection of the CONFIG stream (tenants, keys, tokens), rebuilt at every start with an
 * ordered consumer from the first message: no database, and every replica sees a change within
 * milliseconds. Ready once it has applied what was on the stream when the app started, and while it
 * keeps up (not stalled). A fact that cannot be decoded or applied is dead-lettered with the reason and
 * stepped over: one bad fact must not stop every tenant's configuration. Subclasses say what they keep in
 * `apply`.
 */
export abstract class ConfigFactsFollower implements OnApplicationBootstrap, OnModuleDestroy {
  private lastSequence = 0;
  private targetSequence = Number.POSITIVE_INFINITY;
  private messages?: ConsumerMessages;
  private readonly abort = new AbortController();
  private stall?: StallWatch;
  private watchTimer?: NodeJS.Timeout;
  // Property injection, so that every subclass gets them without passing them on.
  @Optional() @Inject(DeadLetterRecorder) private readonly deadLetters?: DeadLetterRecorder;
  @Optional() @Inject(Metrics) private readonly metrics?: Metrics;
  @Optional() @Inject(STALL_AFTER_MS) private readonly stallAfterMs?: number;

  protected constructor(
    private readonly name: string,
    private readonly client: NatsClient,
    private readonly streams: StreamNames,
    protected readonly logger: Logger,
    readiness: Readiness,
  ) {
    readiness.register(name, () => {
      if (!this.caughtUp)
        return { ok: false, detail: `loading ${name}: at ${this.lastSequence} of ${this.targetSequence}` };
      if (this.stall?.verdict) return { ok: false, detail: `${name} stalled at ${this.lastSequence}` };
      return { ok: true };
    });
  }

  /** Applies one configuration fact, in stream order. */
  protected abstract apply(fact: ConfigFact, seq: number): void;

  get caughtUp(): boolean {
    return this.lastSequence >= this.targetSequence;
  }

  /** Waits until everything that was on the stream at start is applied (e.g. before judging events by it). */
  async untilCaughtUp(): Promise<void> {
    while (!this.caughtUp) await sleep(20);
  }

  /** Waits until the fact at `sequence` has been applied here (read-your-writes after a publish). */
  async waitFor(sequence: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.lastSequence < sequence) {
      if (Date.now() > deadline) throw new Error(`${this.name} not updated to ${sequence} within ${timeoutMs} ms`);
      await sleep(2);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    const info = await this.client.jsm.streams.info(this.streams.config);
    this.targetSequence = info.state.last_seq;
    this.stall = new StallWatch(this.stallAfterMs ?? 0);
    this.watchTimer = setInterval(() => void this.watch(), WATCH_INTERVAL_MS);
    this.watchTimer.unref();
    void this.run();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.watchTimer);
    this.abort.abort();
    await this.messages?.close().catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        // An ordered consumer: in order, no acks, re-created by the client after any gap or reconnect.
        const consumer = await this.client.js.consumers.get(this.streams.config, {
          opt_start_seq: this.lastSequence + 1,
        });
        this.messages = await consumer.consume();
        for await (const msg of this.messages) {
          if (isForConsumer(msg, this.name)) {
            try {
              const fact = decodeConfigFact(msg.headers, msg.data);
              if (fact) this.apply(fact, msg.seq);
            } catch (error) {
              await this.setAside(msg, error as Error);
            }
          }
          this.lastSequence = msg.seq;
        }
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.logger.warn({ err: error }, `${this.name}: config stream interrupted; resuming`);
        await sleep(500, this.abort.signal);
      }
    }
  }

  /** A fact this follower cannot take: dead-lettered with the reason (best effort: there is no ack to hold). */
  private async setAside(msg: JsMsg, error: Error): Promise<void> {
    const reason = `could not be applied: ${truncateUnits(sanitizeText(error.message || String(error)), 1000)}`;
    this.logger.error({ err: error, seq: msg.seq, follower: this.name }, 'config fact set aside');
    this.metrics?.messagesHandled.inc({ consumer: this.name, outcome: 'dead_lettered' });
    await this.deadLetters
      ?.record(this.name, msg, reason)
      .catch((recordError: unknown) =>
        this.logger.error({ err: recordError, seq: msg.seq }, 'dead letter not recorded (the fact stays on the log)'),
      );
  }

  /** Stalled: the stream has facts this follower has not applied, and it has not moved for the stall time. */
  private async watch(): Promise<void> {
    try {
      const info = await this.client.jsm.streams.info(this.streams.config);
      this.stall?.observe(this.lastSequence, info.state.last_seq - this.lastSequence);
    } catch (error) {
      this.logger.debug({ err: error }, 'config stream info unavailable');
    }
    const stalled =
      this.stall?.check(() => this.logger.error({ follower: this.name, at: this.lastSequence }, 'follower stalled')) ??
      false;
    this.metrics?.consumerStalled.set({ consumer: this.name }, stalled ? 1 : 0);
  }
}
