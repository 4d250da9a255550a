import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { AckPolicy, JetStreamApiCodes } from '@nats-io/jetstream';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { PoisonMessageError } from '@daalu/contracts';
import type { Metrics } from '@daalu/platform/observability';
import {
  backoffMs,
  consumerInfo,
  isForConsumer,
  isNotFound,
  isTransientError,
  sleep,
  StallWatch,
  toConsumerConfig,
  type DeadLetterRecorder,
  type NatsClient,
} from '@daalu/platform/jetstream';
import { sanitizeText, truncateUnits } from '@daalu/shared/text';
import type { Projection, Sequenced } from './projection';
import { ProjectionLock } from './projection-lock';

export interface ProjectionRunnerOptions {
  databaseUrl: string;
  schema: string;
  /** Messages applied per transaction at most. */
  batchSize: number;
  /** How long a partial batch waits for more messages before it is applied (ms). */
  lingerMs: number;
  /** Messages waiting and no progress for this long: stalled, the app not ready (ms; 0: never). */
  stallAfterMs?: number;
}

/** How often the consumer's backlog is read for the stall check and the lag metric: 5 s, or often enough for a short stall time. */
export function watchIntervalMs(stallAfterMs = 0): number {
  return stallAfterMs > 0 ? Math.min(5_000, Math.max(250, stallAfterMs / 4)) : 5_000;
}
/** A message that fails alone is tried this many times before it is set aside. */
const TRIES_ALONE = 2;

/** A message as received: decoded, the error decoding it raised, or addressed to another consumer. */
interface Received<M> {
  msg: JsMsg;
  message?: M;
  error?: Error;
  /** A replayed dead letter of another consumer: stepped over. */
  notMine?: boolean;
  /** Already recorded as a dead letter (a batch split after its decode failure was recorded). */
  setAside?: boolean;
}

/** An intentional stop of the consume loop (reconnect, lost lock): re-position, no error to report. */
class RepositionSignal extends Error {}

export type ProjectionRole = 'starting' | 'standby' | 'active' | 'stopped';

export interface ProjectionStatus {
  name: string;
  role: ProjectionRole;
  caughtUp: boolean;
  /** Messages wait and the position has not moved for the stall time. */
  stalled: boolean;
  lastSequence: number;
  pending: number;
}

/**
 * Feeds one projection from its durable consumer, strictly in stream order:
 *  - messages are applied in batches, each in one transaction with the checkpoint, and acked after commit;
 *  - a message at or below the checkpoint (redelivered, replayed) is skipped, so applying twice changes nothing;
 *  - the checkpoint in PostgreSQL is the position: after any disruption (failed batch, NATS reconnect, a
 *    crash that left messages unacknowledged) the consumer is re-created to start right after it, so
 *    nothing is skipped and nothing is applied out of order;
 *  - a poison message costs only itself: a batch that fails for a reason of its own data is split until
 *    the failing message is alone; that one is dead-lettered with the reason and stepped over, the rest
 *    applied. Infrastructure errors (PostgreSQL or NATS unavailable) are retried, never set aside;
 *  - a projection with messages waiting that has not moved for `stallAfterMs` reports itself stalled.
 */
export class ProjectionRunner<M> {
  private readonly abort = new AbortController();
  private readonly lock: ProjectionLock;
  private messages?: ConsumerMessages;
  private buffer: Received<M>[] = [];
  private chain: Promise<void> = Promise.resolve();
  private lingerTimer?: NodeJS.Timeout;
  private failure?: Error;
  private loop?: Promise<void>;
  private unsubscribeReconnect?: () => void;
  private role: ProjectionRole = 'starting';
  private caughtUp = false;
  private lastSequence = 0;
  private pending = 0;
  private readonly stall: StallWatch;
  private watchTimer?: NodeJS.Timeout;
  /** Messages applied since this runner started (for rebuild progress). */
  appliedSinceStart = 0;

  constructor(
    readonly projection: Projection<M>,
    private readonly client: NatsClient,
    private readonly dataSource: DataSource,
    private readonly deadLetters: DeadLetterRecorder,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly options: ProjectionRunnerOptions,
    /** Tenants whose facts are stepped over (deleted): the tenant is a subject's third token. */
    private readonly isTenantGone: (tenantId: string) => boolean = () => false,
  ) {
    this.lock = new ProjectionLock(options.databaseUrl, `${options.schema}:${projection.name}`, logger, () =>
      this.interrupt(new RepositionSignal('projection lock lost')),
    );
    this.stall = new StallWatch(options.stallAfterMs ?? 0);
  }

  get status(): ProjectionStatus {
    return {
      name: this.projection.name,
      role: this.role,
      caughtUp: this.caughtUp,
      stalled: this.stall.verdict,
      lastSequence: this.lastSequence,
      pending: this.pending,
    };
  }

  start(): void {
    this.unsubscribeReconnect ??= this.client.onReconnect(() =>
      this.interrupt(new RepositionSignal('NATS reconnected; re-positioning at the checkpoint')),
    );
    this.loop ??= this.run();
    this.watchTimer ??= setInterval(() => void this.watch(), watchIntervalMs(this.options.stallAfterMs));
    this.watchTimer.unref();
  }

  /** Stops pulling, applies what was already received, and releases the lock. */
  async stop(): Promise<void> {
    this.abort.abort();
    clearInterval(this.watchTimer);
    this.unsubscribeReconnect?.();
    this.messages?.stop();
    await this.loop;
    await this.lock.release();
    this.role = 'stopped';
  }

  /** Resolves once the projection has applied everything that was on the stream (or rejects on timeout). */
  async waitUntilCaughtUp(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.caughtUp) {
      if (Date.now() > deadline)
        throw new Error(`projection ${this.projection.name} not caught up after ${timeoutMs} ms`);
      await sleep(25);
    }
  }

  /**
   * Drops the projection and replays the stream from its first message. Used by the `rebuild` command,
   * with the app's consumers not running; waits for a running instance to release the lock first.
   */
  async rebuild(
    onProgress: (status: ProjectionStatus & { total: number; applied: number }) => void,
    onAfterReplay?: () => void,
  ): Promise<void> {
    const { name, stream } = this.projection;
    await this.ensureCheckpointRow();
    if (!(await this.lock.acquire(this.abort.signal, () => (this.role = 'standby')))) return;
    await this.dataSource.transaction(async (manager) => {
      await this.projection.reset(manager);
      await manager.query(
        `UPDATE projection_checkpoint SET last_sequence = 0, applied_total = 0, updated_at = now() WHERE projection = $1`,
        [name],
      );
      await this.projection.beforeReplay?.(manager);
    });
    await this.client.jsm.consumers.delete(stream, name).catch((error: unknown) => {
      if (!isNotFound(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    });
    this.caughtUp = false;
    this.start();
    const startedAt = Date.now();
    let total: number | undefined;
    const report = () => {
      total ??= this.pending + this.appliedSinceStart;
      onProgress({ ...this.status, total, applied: this.appliedSinceStart });
    };
    const timer = setInterval(report, 1000);
    try {
      await this.waitUntilCaughtUp(24 * 60 * 60 * 1000);
    } finally {
      clearInterval(timer);
    }
    total ??= this.appliedSinceStart;
    onProgress({ ...this.status, total, applied: this.appliedSinceStart });
    if (this.projection.afterReplay) {
      onAfterReplay?.();
      const indexStartedAt = Date.now();
      await this.projection.afterReplay(this.dataSource.manager);
      this.logger.info({ projection: name, seconds: (Date.now() - indexStartedAt) / 1000 }, 'after-replay step done');
    }
    this.logger.info(
      { projection: name, applied: this.appliedSinceStart, seconds: (Date.now() - startedAt) / 1000 },
      'rebuild finished',
    );
  }

  private async run(): Promise<void> {
    for (let attempt = 0; !this.abort.signal.aborted;) {
      try {
        if (!this.lock.held) {
          this.role = 'starting';
          await this.ensureCheckpointRow();
          if (!(await this.lock.acquire(this.abort.signal, () => (this.role = 'standby')))) break;
          this.logger.info('applying projection');
        }
        this.role = 'active';
        await this.reposition();
        await this.consume();
        attempt = 0;
      } catch (error) {
        attempt++;
        this.logger.error(
          { err: error, projection: this.projection.name, attempt },
          'projection interrupted; retrying',
        );
      }
      if (this.abort.signal.aborted) break;
      await sleep(backoffMs(attempt, 200, 30_000), this.abort.signal);
    }
  }

  private async ensureCheckpointRow(): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO projection_checkpoint (projection, stream) VALUES ($1, $2) ON CONFLICT (projection) DO NOTHING`,
      [this.projection.name, this.projection.stream],
    );
  }

  private async readCheckpoint(): Promise<number> {
    const rows: Array<{ last_sequence: string }> = await this.dataSource.query(
      `SELECT last_sequence FROM projection_checkpoint WHERE projection = $1`,
      [this.projection.name],
    );
    return Number(rows[0]?.last_sequence ?? 0);
  }

  /** Makes the durable consumer deliver from just after the checkpoint, re-creating it when it disagrees. */
  private async reposition(): Promise<void> {
    const { name, stream, filterSubject } = this.projection;
    const checkpoint = await this.readCheckpoint();
    this.lastSequence = checkpoint;
    this.metrics.projectionSequence.set({ projection: name }, checkpoint);
    const jsm = this.client.jsm;
    let info = await consumerInfo(jsm, stream, name);
    const disagrees =
      info !== null &&
      (info.ack_floor.stream_seq > checkpoint ||
        info.num_ack_pending > 0 ||
        (info.config.filter_subject ?? '') !== filterSubject ||
        info.config.ack_policy !== AckPolicy.All);
    if (info && disagrees) {
      this.logger.info(
        { projection: name, checkpoint, ackFloor: info.ack_floor.stream_seq, ackPending: info.num_ack_pending },
        're-creating consumer at the checkpoint',
      );
      await jsm.consumers.delete(stream, name);
      info = null;
    }
    info ??= await jsm.consumers.add(
      stream,
      toConsumerConfig({
        stream,
        durable: name,
        filterSubject,
        description: `projection ${name} (position = checkpoint in PostgreSQL)`,
        // One batch applying, one waiting, one being read, and the pull buffer ahead of them.
        maxAckPending: this.options.batchSize * 8,
        ackWaitMs: 30_000,
        startSequence: checkpoint + 1,
        ackPolicy: 'all',
      }),
    );
    this.setPending(info.num_pending);
    if (info.num_pending === 0 && info.num_ack_pending === 0) this.caughtUp = true;
  }

  private async consume(): Promise<void> {
    const consumer = await this.client.js.consumers.get(this.projection.stream, this.projection.name);
    this.failure = undefined;
    const messages = await consumer.consume({ max_messages: Math.max(this.options.batchSize * 4, 100) });
    this.messages = messages;
    if (this.abort.signal.aborted) messages.stop();
    for await (const msg of messages) {
      if (this.failure) break;
      this.buffer.push(this.decodeOnArrival(msg));
      if (this.buffer.length >= this.options.batchSize) {
        // Pipelined: this batch is applied after the one before it, and meanwhile the next one is read
        // and decoded, so decoding here and writing in PostgreSQL overlap. At most one batch waits.
        const previous = this.chain;
        void this.flush();
        await previous;
      } else this.scheduleFlush();
    }
    // Graceful stop: apply what was received. After a failure: drop it; the consumer is re-positioned.
    if (!this.failure) await this.flush();
    await this.chain;
    this.buffer = [];
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
  }

  private interrupt(reason: Error): void {
    if (this.role !== 'active' || this.failure) return;
    this.failure = reason;
    this.messages?.stop();
  }

  private scheduleFlush(): void {
    this.lingerTimer ??= setTimeout(() => void this.flush(), this.options.lingerMs);
  }

  private flush(): Promise<void> {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    this.chain = this.chain.then(() => this.flushNow());
    return this.chain;
  }

  private async flushNow(): Promise<void> {
    if (this.failure || this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    try {
      await this.applyIsolating(batch);
      // The consumer acks all: the batch's last message acknowledges the whole batch.
      batch[batch.length - 1].msg.ack();
    } catch (error) {
      this.logger.error(
        {
          err: error,
          projection: this.projection.name,
          from: batch[0].msg.seq,
          to: batch[batch.length - 1].msg.seq,
        },
        'batch failed on an infrastructure error; retrying from the checkpoint',
      );
      this.metrics.messagesHandled.inc({ consumer: this.projection.name, outcome: 'failed' }, batch.length);
      this.failure = error as Error;
      this.messages?.stop();
    }
  }

  /**
   * Applies a batch. When it fails for a reason of its own messages (not the infrastructure's), it is
   * split in two and each half applied in order, down to the one message that fails alone: that one is
   * set aside, so one poison message costs only itself and everything after it still applies. A batch
   * of n with one poison message costs about 2·log2(n) extra transactions, once.
   */
  private async applyIsolating(batch: Received<M>[]): Promise<void> {
    for (let tried = 1; ; tried++) {
      try {
        await this.applyBatch(batch);
        return;
      } catch (error) {
        if (isTransientError(error) || this.abort.signal.aborted) throw error;
        if (batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          this.logger.warn(
            { err: error, from: batch[0].msg.seq, to: batch[batch.length - 1].msg.seq },
            'batch failed on its data; splitting it to find the message',
          );
          await this.applyIsolating(batch.slice(0, half));
          await this.applyIsolating(batch.slice(half));
          return;
        }
        if (tried >= TRIES_ALONE) return this.setAside(batch[0], error as Error);
        await sleep(100, this.abort.signal);
      }
    }
  }

  /** Records one message that cannot be applied as a dead letter and moves the checkpoint past it. */
  private async setAside(received: Received<M>, error: Error): Promise<void> {
    const { name } = this.projection;
    const { msg } = received;
    const reason = `could not be applied: ${truncateUnits(sanitizeText(error.message || String(error)), 1000)}`;
    await this.deadLetters.record(name, msg, reason);
    this.metrics.messagesHandled.inc({ consumer: name, outcome: 'dead_lettered' });
    await this.dataSource.transaction((manager) => this.applyInTransaction(manager, [], msg.seq));
    this.committedUpTo(msg);
  }

  /** Reads the backlog (for the lag metric and the stall check): waiting = not yet delivered + unacked. */
  private async watch(): Promise<void> {
    const { name, stream } = this.projection;
    if (this.role !== 'active') {
      this.stall.observe(this.lastSequence, 0);
    } else {
      try {
        const info = await this.client.jsm.consumers.info(stream, name);
        this.setPending(info.num_pending);
        this.stall.observe(this.lastSequence, info.num_pending + info.num_ack_pending);
      } catch (error) {
        // NATS unreachable: the last backlog seen stands, and time keeps counting.
        this.logger.debug({ err: error }, 'consumer info unavailable');
      }
    }
    const stalled = this.stall.check(() =>
      this.logger.error(
        { lastSequence: this.lastSequence, pending: this.pending, stillForMs: this.stall.stillForMs },
        'projection stalled: messages wait and its position has not moved',
      ),
    );
    this.metrics.consumerStalled.set({ consumer: name }, stalled ? 1 : 0);
  }

  /** Decodes a message as it arrives (a poison message is kept as such, dead-lettered when its batch applies). */
  private decodeOnArrival(msg: JsMsg): Received<M> {
    if (!isForConsumer(msg, this.projection.name)) return { msg, notMine: true };
    if (this.isTenantGone(msg.subject.split('.', 3)[2] ?? '')) return { msg, notMine: true };
    try {
      return { msg, message: this.projection.decode(msg) };
    } catch (error) {
      return { msg, error: error as Error };
    }
  }

  private async applyBatch(batch: Received<M>[]): Promise<void> {
    const { name } = this.projection;
    const stopTimer = this.metrics.batchDuration.startTimer({ projection: name });
    const decoded: Sequenced<M>[] = [];
    let maxSequence = 0;
    for (const received of batch) {
      const { msg, message, error } = received;
      maxSequence = Math.max(maxSequence, msg.seq);
      if (msg.seq <= this.lastSequence || received.notMine || received.setAside) continue;
      if (!error) {
        decoded.push({ seq: msg.seq, message: message as M });
        continue;
      }
      if (!(error instanceof PoisonMessageError)) throw error;
      await this.deadLetters.record(name, msg, error.message);
      received.setAside = true;
      this.metrics.messagesHandled.inc({ consumer: name, outcome: 'dead_lettered' });
    }
    const applied = await this.dataSource.transaction((manager) =>
      this.applyInTransaction(manager, decoded, maxSequence),
    );
    stopTimer();
    this.appliedSinceStart += applied;
    this.metrics.messagesHandled.inc({ consumer: name, outcome: 'applied' }, applied);
    if (batch.length > applied)
      this.metrics.messagesHandled.inc({ consumer: name, outcome: 'skipped' }, batch.length - applied);
    this.committedUpTo(batch[batch.length - 1].msg);
  }

  /** Locks the checkpoint row, applies only what is newer than it, and moves it: all or nothing. */
  private async applyInTransaction(
    manager: EntityManager,
    decoded: Sequenced<M>[],
    maxSequence: number,
  ): Promise<number> {
    const { name } = this.projection;
    // No wait for the WAL flush at commit: should PostgreSQL lose the last commits in a crash, it loses
    // their checkpoint with them, and the consumer is re-created at the checkpoint, so they are applied
    // again from the log. The log is what must be durable, not a projection of it.
    await manager.query(`SET LOCAL synchronous_commit TO off`);
    const rows: Array<{ last_sequence: string }> = await manager.query(
      `SELECT last_sequence FROM projection_checkpoint WHERE projection = $1 FOR UPDATE`,
      [name],
    );
    const checkpoint = Number(rows[0].last_sequence);
    const fresh = decoded.filter((item) => item.seq > checkpoint);
    const nextCheckpoint = Math.max(checkpoint, maxSequence);
    if (fresh.length > 0) await this.projection.apply(fresh, manager, { checkpoint, nextCheckpoint });
    if (maxSequence > checkpoint) {
      await manager.query(
        `UPDATE projection_checkpoint
            SET last_sequence = $2, applied_total = applied_total + $3, updated_at = now()
          WHERE projection = $1`,
        [name, maxSequence, fresh.length],
      );
    }
    return fresh.length;
  }

  /** After a commit that moved the checkpoint to `last` (the batch's last message): position, lag, caught up. */
  private committedUpTo(last: JsMsg): void {
    this.lastSequence = Math.max(this.lastSequence, last.seq);
    this.metrics.projectionSequence.set({ projection: this.projection.name }, this.lastSequence);
    this.setPending(last.info.pending);
    if (last.info.pending === 0) this.caughtUp = true;
  }

  private setPending(pending: number): void {
    this.pending = pending;
    this.metrics.consumerLag.set({ consumer: this.projection.name }, pending);
  }
}
