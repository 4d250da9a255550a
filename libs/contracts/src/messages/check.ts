import { Type, type Static } from '@sinclair/typebox';
import { ActorSchema, codecFor, envelopeFields, Timestamp, Uuid } from '../envelope';

/**
 * `check.paused`: someone paused a heartbeat check (an absence rule, all its groups): it fires
 * nothing until resumed, while its pings are still recorded. Published on `<ns>.alerts.<tenantId>`, so
 * the evaluator applies it in log order with the pings.
 */
export const CheckPausedSchema = Type.Object(
  {
    ...envelopeFields('check.paused'),
    occurredAt: Timestamp,
    actor: ActorSchema,
    ruleId: Uuid,
    /** The rule's name when it happened. */
    ruleName: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { $id: 'check.paused', additionalProperties: false },
);
export type CheckPaused = Static<typeof CheckPausedSchema>;
export const CheckPausedCodec = codecFor('check.paused', CheckPausedSchema);

/** `check.resumed`: a paused check watches again; its deadline counts from now. Same subject. */
export const CheckResumedSchema = Type.Object(
  {
    ...envelopeFields('check.resumed'),
    occurredAt: Timestamp,
    actor: ActorSchema,
    ruleId: Uuid,
    /** The rule's name when it happened. */
    ruleName: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { $id: 'check.resumed', additionalProperties: false },
);
export type CheckResumed = Static<typeof CheckResumedSchema>;
export const CheckResumedCodec = codecFor('check.resumed', CheckResumedSchema);
