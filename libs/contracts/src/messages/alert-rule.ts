import { Type, type Static } from '@sinclair/typebox';
import { actorField, codecFor, envelopeFields, Timestamp, Uuid } from '../envelope';
import { Severity } from './event-ingested';

/** Payload comparison operators of a match condition. */
export const PAYLOAD_OPS = ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'exists'] as const;
export type PayloadOp = (typeof PAYLOAD_OPS)[number];

const Scalar = Type.Union([Type.String({ maxLength: 256 }), Type.Number(), Type.Boolean()]);

export const PayloadConditionSchema = Type.Object(
  {
    /** A path inside the payload, dotted for nested objects (`pct`, `disk.pct`). */
    field: Type.String({ minLength: 1, maxLength: 200 }),
    op: Type.Union(PAYLOAD_OPS.map((op) => Type.Literal(op))),
    /** A scalar; an array of scalars for `in`; absent for `exists`. */
    value: Type.Optional(Type.Union([Scalar, Type.Array(Scalar, { maxItems: 100 })])),
  },
  { additionalProperties: false },
);
export type PayloadConditionSpec = Static<typeof PayloadConditionSchema>;

/** Which events a rule looks at: every given condition must hold. */
export const MatchSpecSchema = Type.Object(
  {
    /** An exact type, or a glob with `*` (`deploy.*`). */
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    module: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    minSeverity: Type.Optional(Severity),
    payload: Type.Optional(Type.Array(PayloadConditionSchema, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type MatchSpec = Static<typeof MatchSpecSchema>;

/**
 * An alert rule as the tenant wrote it (the public API's shape, see docs/rules.md):
 *  - `match`: an alert fires when an event matches (optionally at least `threshold.count` matches within
 *    `threshold.windowSeconds`, counted per `groupBy` value); it resolves on an event matching
 *    `resolve.match`, or after `resolve.quietSeconds` without a match;
 *  - `absence` (dead-man's switch, a heartbeat check): an alert fires when no event matching `match`
 *    arrived for `everySeconds` (or by the next time of the cron `schedule` in `timezone`) plus
 *    `graceSeconds`; the next matching event resolves it. `<type>.failed` (or a critical event) fires
 *    at once; `<type>.started` starts a run that fires if not finished within `maxRunSeconds`.
 */
export const AlertRuleSpecSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: Type.Union([Type.Literal('match'), Type.Literal('absence')]),
    enabled: Type.Boolean(),
    match: MatchSpecSchema,
    threshold: Type.Optional(
      Type.Object(
        {
          count: Type.Integer({ minimum: 1, maximum: 100_000 }),
          windowSeconds: Type.Integer({ minimum: 1, maximum: 7 * 86_400 }),
        },
        { additionalProperties: false },
      ),
    ),
    /** `payload.<path>`, `source`, `module` or `type`: one alert per value. */
    groupBy: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** `payload.<path>` holding the sender's dedup key (`payload.dedupKey` when absent). */
    dedupKey: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    alert: Type.Object(
      {
        severity: Severity,
        /** With placeholders: `{{payload.host}}`, `{{type}}`, `{{source}}`, `{{module}}`, `{{summary}}`, `{{count}}`. */
        summary: Type.String({ minLength: 1, maxLength: 1024 }),
      },
      { additionalProperties: false },
    ),
    resolve: Type.Optional(
      Type.Union([
        Type.Object({ match: MatchSpecSchema }, { additionalProperties: false }),
        Type.Object(
          { quietSeconds: Type.Integer({ minimum: 1, maximum: 30 * 86_400 }) },
          { additionalProperties: false },
        ),
      ]),
    ),
    everySeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 86_400 })),
    graceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86_400 })),
    /** A cron expression (5 fields, or `@daily` and the like): when pings are expected, instead of everySeconds. */
    schedule: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    /** The IANA time zone the schedule is read in (UTC when absent). */
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** A run that signalled its start fires if it has not finished within this long. */
    maxRunSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 86_400 })),
  },
  { additionalProperties: false },
);
export type AlertRuleSpec = Static<typeof AlertRuleSpecSchema>;

/**
 * `alert-rule.saved`: a tenant created or replaced an alert rule (the whole rule, so a reader needs
 * only the last fact of a rule). Published on `<ns>.config.<tenantId>.alert-rule`.
 */
export const AlertRuleSavedSchema = Type.Object(
  {
    ...envelopeFields('alert-rule.saved'),
    ...actorField,
    occurredAt: Timestamp,
    ruleId: Uuid,
    /** 1 when created, then +1 on every change. */
    version: Type.Integer({ minimum: 1 }),
    rule: AlertRuleSpecSchema,
  },
  { $id: 'alert-rule.saved', additionalProperties: false },
);
export type AlertRuleSaved = Static<typeof AlertRuleSavedSchema>;
export const AlertRuleSavedCodec = codecFor('alert-rule.saved', AlertRuleSavedSchema);

/** `alert-rule.deleted`: a tenant deleted an alert rule. Published on `<ns>.config.<tenantId>.alert-rule`. */
export const AlertRuleDeletedSchema = Type.Object(
  {
    ...envelopeFields('alert-rule.deleted'),
    ...actorField,
    occurredAt: Timestamp,
    ruleId: Uuid,
  },
  { $id: 'alert-rule.deleted', additionalProperties: false },
);
export type AlertRuleDeleted = Static<typeof AlertRuleDeletedSchema>;
export const AlertRuleDeletedCodec = codecFor('alert-rule.deleted', AlertRuleDeletedSchema);
