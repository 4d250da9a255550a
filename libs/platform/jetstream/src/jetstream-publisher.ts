import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
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

/** JetStream's error code for a message over the stream's `max_msg_size`. */
const JS_MESSAGE_TOO_LARGE = 10054;

/**
 * The message can never be stored as it is: it is larger than the NATS server's `max_payload` or the
 * stream's `max_msg_size`. Retrying would fail the same way, so callers answer 413, not 503.
 */
export class MessageTooLargeError extends PublishFailedError {
  constructor(
    subject: string,
    /** Payload and headers, where known. */
    readonly bytes: number | undefined,
    /** The limit it passed, where known. */
    readonly limit: number | undefined,
  ) {
    super(
      bytes !== undefined && limit !== undefined
        ? `a message of ${bytes} bytes for ${subject} is over the server's limit of ${limit} bytes`
        : `the message for ${subject} is over the stream's largest message size`,
    );
    this.name = 'MessageTooLargeError';
  }
}

/** Whether JetStream refused a message for its size (an ack error, or the client's own check). */
export function isTooLargeForJetStream(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === JS_MESSAGE_TOO_LARGE || (typeof message === 'string' && /max_payload size exceeded/.test(message));
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
    /** The connected server's max_payload (bytes), to refuse what it can never take before sending. */
    private readonly maxPayload?: () => number | undefined,
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
    this.checkSize(subject, data, msgId, headers);
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
      if (isTooLargeForJetStream(error)) throw new MessageTooLargeError(subject, undefined, undefined);
      throw new PublishFailedError(`publish to ${subject} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Throws MessageTooLargeError for a message the server would refuse. Headers are encoded only near the limit. */
  private checkSize(subject: string, data: Uint8Array, msgId: string, headers: MsgHdrs): void {
    const limit = this.maxPayload?.();
    if (!limit || data.length + HEADROOM_BYTES <= limit) return;
    // The Nats-Msg-Id header is added on the way out: counted here with room for its line.
    const bytes = data.length + headerBytes(headers) + HEADER_MSG_ID.length + msgId.length + 4;
    if (bytes > limit) throw new MessageTooLargeError(subject, bytes, limit);
  }
}

/** Headers stay well under this; a message this far under the limit needs no exact count. */
const HEADROOM_BYTES = 8 * 1024;

/** The size of headers on the wire: `NATS/1.0\r\n`, a `name: value\r\n` line each, and a blank line. */
function headerBytes(headers: MsgHdrs): number {
  let bytes = 12;
  for (const name of headers.keys()) {
    for (const value of headers.values(name)) bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 4;
  }
  return bytes;
}
