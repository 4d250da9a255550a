import type { JsMsg } from '@nats-io/jetstream';
import { DeadLetterCodec, type DeadLetter, type Subjects } from '@daalu/contracts';
import type { Logger } from 'pino';
import type { JetStreamPublisher } from './jetstream-publisher';

/**
 * Records a message a consumer gives up on: its bytes, headers and the reason go to the dead-letter
 * stream before the message is terminated, so nothing is silently dropped.
 */
export class DeadLetterRecorder {
  constructor(
    private readonly publisher: JetStreamPublisher,
    private readonly subjects: Subjects,
    private readonly logger: Logger,
  ) {}

  async record(consumer: string, msg: JsMsg, reason: string): Promise<void> {
    const headers: Record<string, string[]> = {};
    for (const [key, values] of msg.headers ?? []) headers[key] = values;
    const letter: DeadLetter = {
      schemaVersion: 1,
      kind: 'dead-letter',
      consumer,
      stream: msg.info.stream,
      streamSequence: msg.seq,
      subject: msg.subject,
      reason,
      deliveryCount: msg.info.deliveryCount,
      recordedAt: new Date().toISOString(),
      headers,
      dataBase64: Buffer.from(msg.data).toString('base64'),
    };
    // One dead letter per consumer and stream sequence, however often it is recorded.
    const msgId = `${consumer}:${msg.info.stream}:${msg.seq}`;
    await this.publisher.publishBytes(this.subjects.deadLetter(consumer), DeadLetterCodec.encode(letter), msgId);
    this.logger.error(
      { consumer, stream: msg.info.stream, seq: msg.seq, subject: msg.subject, reason },
      'message dead-lettered',
    );
  }
}
