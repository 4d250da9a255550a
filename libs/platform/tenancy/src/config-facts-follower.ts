import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { ConsumerMessages } from '@nats-io/jetstream';
import { decodeConfigFact, type ConfigFact } from '@daalu/contracts';
import { sleep, type NatsClient, type StreamNames } from '@daalu/platform/jetstream';
import type { Logger, Readiness } from '@daalu/platform/observability';

/**
 * An in-memory projection of the CONFIG stream (tenants, keys, tokens), rebuilt at every start with an
 * ordered consumer from the first message: no database, and every replica sees a change within
 * milliseconds. Ready once it has applied what was on the stream when the app started.
 * Subclasses say what they keep in `apply`.
 */
export abstract class ConfigFactsFollower implements OnApplicationBootstrap, OnModuleDestroy {
  private lastSequence = 0;
  private targetSequence = Number.POSITIVE_INFINITY;
  private messages?: ConsumerMessages;
  private readonly abort = new AbortController();

  protected constructor(
    private readonly name: string,
    private readonly client: NatsClient,
    private readonly streams: StreamNames,
    protected readonly logger: Logger,
    readiness: Readiness,
  ) {
    readiness.register(name, () =>
      this.caughtUp
        ? { ok: true }
        : { ok: false, detail: `loading ${name}: at ${this.lastSequence} of ${this.targetSequence}` },
    );
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
    void this.run();
  }

  async onModuleDestroy(): Promise<void> {
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
          try {
            const fact = decodeConfigFact(msg.headers, msg.data);
            if (fact) this.apply(fact, msg.seq);
          } catch (error) {
            this.logger.error({ err: error, seq: msg.seq }, 'undecodable config fact skipped');
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
}
