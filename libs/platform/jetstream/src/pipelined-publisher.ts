import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import type { PubAck } from '@nats-io/jetstream';
import { isTooLargeForJetStream, MessageTooLargeError, PublishFailedError } from './jetstream-publisher';

interface Pending {
  resolve(ack: PubAck): void;
  reject(error: Error): void;
  deadline: number;
}

const SWEEP_MS = 50;

/**
 * Publishes to JetStream and waits for its acknowledgement like `js.publish`, but for high rates: every
 * publish is a plain NATS message whose reply subject is one shared inbox, and acknowledgements are
 * matched by a counter. No timer, promise chain or request object per message; timeouts are found by one
 * sweep every 50 ms; and the publishes of one event-loop turn (many concurrent requests) go out in one
 * socket write rather than one write each.
 * Resolves only with JetStream's ack: a timeout, a JetStream error or "no responders" rejects.
 */
export class PipelinedPublisher {
  private readonly inbox = createInbox();
  private readonly pending = new Map<number, Pending>();
  private readonly subscription: Subscription;
  private readonly sweeper: NodeJS.Timeout;
  private counter = 0;
  /** Publishes of this event-loop turn, written together (one socket write instead of one each). */
  private queue: Array<{ id: number; subject: string; data: Uint8Array; headers: MsgHdrs }> = [];
  private scheduled = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
  ) {
    this.subscription = nc.subscribe(`${this.inbox}.*`, { callback: (_error, msg) => this.settle(msg) });
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  get inFlight(): number {
    return this.pending.size;
  }

  publish(subject: string, data: Uint8Array, headers: MsgHdrs, timeoutMs = this.timeoutMs): Promise<PubAck> {
    const id = ++this.counter;
    return new Promise<PubAck>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, deadline: Date.now() + timeoutMs });
      this.queue.push({ id, subject, data, headers });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.writeQueued());
      }
    });
  }

  /** After this turn's I/O callbacks: hand every queued message to the client at once. */
  private writeQueued(): void {
    const queued = this.queue;
    this.queue = [];
    this.scheduled = false;
    for (const { id, subject, data, headers } of queued) {
      try {
        this.nc.publish(subject, data, { reply: `${this.inbox}.${id}`, headers });
      } catch (error) {
        const entry = this.pending.get(id);
        this.pending.delete(id);
        entry?.reject(
          isTooLargeForJetStream(error)
            ? new MessageTooLargeError(subject, undefined, undefined)
            : new PublishFailedError(`publish to ${subject} failed: ${(error as Error).message}`, { cause: error }),
        );
      }
    }
  }

  /** Rejects whatever is still waiting (used at shutdown, after draining). */
  close(): void {
    clearInterval(this.sweeper);
    this.subscription.unsubscribe();
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      entry.reject(new PublishFailedError('publisher closed'));
    }
  }

  private settle(msg: Msg): void {
    const id = Number(msg.subject.slice(this.inbox.length + 1));
    const entry = this.pending.get(id);
    if (!entry) return; // timed out already
    this.pending.delete(id);
    if (msg.headers?.code === 503) {
      entry.reject(new PublishFailedError('no JetStream stream answered (no responders)'));
      return;
    }
    try {
      const ack = msg.json<PubAck & { error?: { code: number; err_code?: number; description: string } }>();
      if (ack.error && isTooLargeForJetStream({ code: ack.error.err_code }))
        entry.reject(new MessageTooLargeError(ack.stream ?? 'the stream', undefined, undefined));
      else if (ack.error) entry.reject(new PublishFailedError(`JetStream refused: ${ack.error.description}`));
      else entry.resolve({ stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate === true, domain: ack.domain });
    } catch (error) {
      entry.reject(new PublishFailedError(`unreadable JetStream ack: ${(error as Error).message}`));
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.pending) {
      if (entry.deadline > now) continue;
      this.pending.delete(id);
      entry.reject(new PublishFailedError('JetStream did not acknowledge in time'));
    }
  }
}
