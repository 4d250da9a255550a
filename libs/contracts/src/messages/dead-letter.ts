import { Type, type Static } from '@sinclair/typebox';
import { codecFor, Timestamp } from '../envelope';

/**
 * `dead-letter`: a consumer terminated a message it can never process. The original bytes are kept
 * (base64) with the reason, so nothing is silently dropped and an operator can inspect or replay it.
 * Published on `<ns>.deadletter.<consumer>`; Nats-Msg-Id `<consumer>:<stream sequence>`.
 */
export const DeadLetterSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    kind: Type.Literal('dead-letter'),
    consumer: Type.String(),
    stream: Type.String(),
    streamSequence: Type.Integer({ minimum: 1 }),
    subject: Type.String(),
    reason: Type.String(),
    deliveryCount: Type.Integer({ minimum: 1 }),
    recordedAt: Timestamp,
    headers: Type.Record(Type.String(), Type.Array(Type.String())),
    dataBase64: Type.String(),
  },
  { $id: 'dead-letter', additionalProperties: false },
);
export type DeadLetter = Static<typeof DeadLetterSchema>;
export const DeadLetterCodec = codecFor('dead-letter', DeadLetterSchema);
