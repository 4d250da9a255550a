import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { isNotFound } from './stream-provisioner';

/** A durable pull consumer as plain data (also written to deploy/nats by `npm run deploy:nats`). */
export interface ConsumerDefinition {
  stream: string;
  durable: string;
  filterSubject: string;
  description: string;
  /** Delivered but unacknowledged messages at most: bounds in-flight work across all replicas. */
  maxAckPending: number;
  /** After this long without an ack the message is delivered again (ms). */
  ackWaitMs: number;
  /** Deliver from this stream sequence on (projections start after their checkpoint). */
  startSequence?: number;
  /**
   * `all`: acknowledging a message acknowledges every one before it. For consumers that apply strictly
   * in order (projections): one ack per batch instead of one per message. Default `explicit`.
   */
  ackPolicy?: 'explicit' | 'all';
}

export function toConsumerConfig(definition: ConsumerDefinition): Partial<ConsumerConfig> {
  const fromSequence = definition.startSequence !== undefined && definition.startSequence > 1;
  return {
    durable_name: definition.durable,
    description: definition.description,
    ack_policy: definition.ackPolicy === 'all' ? AckPolicy.All : AckPolicy.Explicit,
    deliver_policy: fromSequence ? DeliverPolicy.StartSequence : DeliverPolicy.All,
    opt_start_seq: fromSequence ? definition.startSequence : undefined,
    filter_subject: definition.filterSubject || undefined,
    max_ack_pending: definition.maxAckPending,
    ack_wait: nanos(definition.ackWaitMs),
    max_deliver: -1,
  };
}

export async function consumerInfo(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
): Promise<ConsumerInfo | null> {
  return jsm.consumers.info(stream, durable).catch((error: unknown) => {
    if (isNotFound(error, JetStreamApiCodes.ConsumerNotFound)) return null;
    throw error;
  });
}

/** Creates the durable consumer if it does not exist, or updates the settings that may change. */
export async function provisionConsumer(jsm: JetStreamManager, definition: ConsumerDefinition): Promise<ConsumerInfo> {
  const existing = await consumerInfo(jsm, definition.stream, definition.durable);
  const config = toConsumerConfig(definition);
  if (!existing) return jsm.consumers.add(definition.stream, config);
  const { max_ack_pending, ack_wait, description } = config;
  if (existing.config.max_ack_pending !== max_ack_pending || existing.config.ack_wait !== ack_wait) {
    return jsm.consumers.update(definition.stream, definition.durable, { max_ack_pending, ack_wait, description });
  }
  return existing;
}
