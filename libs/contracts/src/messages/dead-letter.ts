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

/**
 * `dead-letter-resolved`: an operator replayed a dead letter after a fix (it is on the log again, for its
 * consumer only) or discarded it. Published on `<ns>.deadletter-resolved`; the letter itself stays (the
 * stream allows no deletes), so the listing of open letters leaves resolved ones out.
 */
export const DeadLetterResolvedSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    kind: Type.Literal('dead-letter-resolved'),
    /** The letter's sequence on the dead-letter stream. */
    letterSequence: Type.Integer({ minimum: 1 }),
    consumer: Type.String(),
    action: Type.Union([Type.Literal('replayed'), Type.Literal('discarded')]),
    /** Where the replayed message is on its stream now (replayed only). */
    replayedAs: Type.Optional(Type.Integer({ minimum: 1 })),
    resolvedAt: Timestamp,
  },
  { $id: 'dead-letter-resolved', additionalProperties: false },
);
export type DeadLetterResolved = Static<typeof DeadLetterResolvedSchema>;
export const DeadLetterResolvedCodec = codecFor('dead-letter-resolved', DeadLetterResolvedSchema);
