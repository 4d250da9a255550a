import { headers as natsHeaders } from '@nats-io/nats-core';
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import {
  HEADER_CORRELATION_ID,
  HEADER_KIND,
  HEADER_MSG_ID,
  HEADER_SCHEMA_VERSION,
  type MessageCodec,
  type MessageHeader,
} from '@daalu/contracts';

import type { PipelinedPublisher } from './pipelined-publisher';

export interface PublishOptions {
  /** Optimistic concurrency per aggregate: fail unless the subject's last sequence is this (0 = none yet). */
  expectLastSubjectSequence?: number;
  timeoutMs?: number;
}

/** Raised when JetStream did not store the message (down, slow, or rejected); nothing was acknowledged. */
export class PublishFailedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PublishFailedError';
  }
}

/**
 * Whether a publish failed because `expectLastSubjectSequence` did not hold: someone wrote the subject
 * (the aggregate) since it was read. Anything else is the log being unavailable.
 */
export function isWrongLastSequence(error: unknown): boolean {
  return error instanceof PublishFailedError && /wrong last sequence/i.test(String((error.cause as Error)?.message));
}

/**
 * Publishes a message and resolves only once JetStream has stored it. The message id is the Nats-Msg-Id,
 * so a publish retried within the stream's duplicate window is stored once (PubAck.duplicate = true).
 */
export class JetStreamPublisher {
  constructor(
    private readonly js: JetStreamClient,
    private readonly defaultTimeoutMs = 2000,
    /** Cheaper path for plain publishes (no expectations) at high rates; see PipelinedPublisher. */
    private readonly pipeline?: PipelinedPublisher,
  ) {}

  async publish<T extends MessageHeader>(
    subject: string,
    codec: MessageCodec<T>,
    message: T,
    options: PublishOptions = {},
  ): Promise<PubAck> {
    const headers = natsHeaders();
    headers.set(HEADER_KIND, message.kind);
    headers.set(HEADER_SCHEMA_VERSION, String(message.schemaVersion));
    headers.set(HEADER_CORRELATION_ID, message.correlationId);
    return this.publishBytes(subject, codec.encode(message), message.id, options, headers);
  }

  async publishBytes(
    subject: string,
    data: Uint8Array,
    msgId: string,
    options: PublishOptions = {},
    headers = natsHeaders(),
  ): Promise<PubAck> {
    try {
      if (this.pipeline && options.expectLastSubjectSequence === undefined) {
        headers.set(HEADER_MSG_ID, msgId);
        return await this.pipeline.publish(subject, data, headers, options.timeoutMs ?? this.defaultTimeoutMs);
      }
      return await this.js.publish(subject, data, {
        msgID: msgId,
        headers,
        timeout: options.timeoutMs ?? this.defaultTimeoutMs,
        expect:
          options.expectLastSubjectSequence === undefined
            ? undefined
            : { lastSubjectSequence: options.expectLastSubjectSequence },
      });
    } catch (error) {
      if (error instanceof PublishFailedError) throw error;
      throw new PublishFailedError(`publish to ${subject} failed: ${(error as Error).message}`, { cause: error });
    }
  }
}
