import { Type, type Static } from '@sinclair/typebox';
import { ActorSchema, codecFor, envelopeFields, Timestamp, Uuid } from '../envelope';
import { PayloadConditionSchema } from './alert-rule';
import { Severity } from './event-ingested';

/** Which alerts a silence covers: every given matcher must hold (none given: every alert of the tenant). */
export const SilenceMatchersSchema = Type.Object(
  {
    ruleId: Type.Optional(Uuid),
    severity: Type.Optional(Severity),
    groupKey: Type.Optional(Type.String({ maxLength: 1024 })),
    /** Conditions on the payload of the event that fires the alert (an absence alert has none: no match). */
    payload: Type.Optional(Type.Array(PayloadConditionSchema, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type SilenceMatchers = Static<typeof SilenceMatchersSchema>;

/**
 * `silence.created`: someone silenced alerts from `startsAt` until `endsAt` (maintenance). An alert
 * that fires while a silence covers it still fires and shows on the timeline, marked silenced, but no
 * webhook is told until the silence ends. Published on `<ns>.alerts.<tenantId>`, with the alert facts,
 * so the evaluator applies it in log order (a rebuild decides the same).
 */
export const SilenceCreatedSchema = Type.Object(
  {
    ...envelopeFields('silence.created'),
    occurredAt: Timestamp,
    actor: ActorSchema,
    silenceId: Uuid,
    matchers: SilenceMatchersSchema,
    startsAt: Timestamp,
    endsAt: Timestamp,
    comment: Type.String({ maxLength: 1000 }),
  },
  { $id: 'silence.created', additionalProperties: false },
);
export type SilenceCreated = Static<typeof SilenceCreatedSchema>;
export const SilenceCreatedCodec = codecFor('silence.created', SilenceCreatedSchema);

/** `silence.expired`: someone ended a silence before its `endsAt`. Same subject. */
export const SilenceExpiredSchema = Type.Object(
  {
    ...envelopeFields('silence.expired'),
    occurredAt: Timestamp,
    actor: ActorSchema,
    silenceId: Uuid,
  },
  { $id: 'silence.expired', additionalProperties: false },
);
export type SilenceExpired = Static<typeof SilenceExpiredSchema>;
export const SilenceExpiredCodec = codecFor('silence.expired', SilenceExpiredSchema);
