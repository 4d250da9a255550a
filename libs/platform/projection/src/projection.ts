import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager } from 'typeorm';

/** Where a batch stands: the checkpoint before it, and the one it moves to when it commits. */
export interface BatchContext {
  checkpoint: number;
  nextCheckpoint: number;
}

/** One decoded message of a batch, with the stream sequence it had. */
export interface Sequenced<M> {
  seq: number;
  message: M;
}

/**
 * A read model built from one stream (optionally filtered by subject). The platform feeds it in stream
 * order, in batches, each applied in one transaction together with the checkpoint.
 */
export interface Projection<M> {
  /** Unique in the app: the durable consumer's name and the checkpoint key. */
  name: string;
  stream: string;
  /** Stream subjects to take (one filter, as nats-server 2.9 allows); '' for every subject of the stream. */
  filterSubject: string;
  /**
   * False for a read model the app's main job does not wait for (the gateway's audit log): while it
   * catches up the app is still ready; stalled, it is not. True when absent.
   */
  gatesReadiness?: boolean;
  /** Parses one message; throw PoisonMessageError for one that can never be applied (it is dead-lettered). */
  decode(msg: JsMsg): M;
  /**
   * Applies messages not applied before, in order, inside the batch's transaction. `context.checkpoint`
   * is the position the batch starts from (a projection that keeps state in memory can tell from it
   * whether another replica, or a failed batch, moved the position since it last applied).
   */
  apply(batch: Sequenced<M>[], manager: EntityManager, context: BatchContext): Promise<void>;
  /** Empties the projection's tables (for a rebuild), inside a transaction. */
  reset(manager: EntityManager): Promise<void>;
  /** Rebuild only, after reset, in its transaction: e.g. drop indexes that are cheaper to build once at the end. */
  beforeReplay?(manager: EntityManager): Promise<void>;
  /** Rebuild only, once the log is replayed, before the rebuild reports done: e.g. build those indexes. */
  afterReplay?(manager: EntityManager): Promise<void>;
}
