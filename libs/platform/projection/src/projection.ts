import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager } from 'typeorm';

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
  filterSubject: string;
  /** Parses one message; throw PoisonMessageError for one that can never be applied (it is dead-lettered). */
  decode(msg: JsMsg): M;
  /** Applies messages not applied before, in order, inside the batch's transaction. */
  apply(batch: Sequenced<M>[], manager: EntityManager): Promise<void>;
  /** Empties the projection's tables (for a rebuild), inside a transaction. */
  reset(manager: EntityManager): Promise<void>;
  /** Rebuild only, after reset, in its transaction: e.g. drop indexes that are cheaper to build once at the end. */
  beforeReplay?(manager: EntityManager): Promise<void>;
  /** Rebuild only, once the log is replayed, before the rebuild reports done: e.g. build those indexes. */
  afterReplay?(manager: EntityManager): Promise<void>;
}
