import { Type, type Static } from '@sinclair/typebox';
import { ActorSchema, codecFor, envelopeFields, Timestamp, Uuid } from '../envelope';
import { Severity } from './event-ingested';

/** An event that preceded an alert (the alert-explainer's context): enough to show and link it. */
export const AlertContextEventSchema = Type.Object(
  {
    id: Uuid,
    type: Type.String(),
    source: Type.String(),
    summary: Type.String(),
    receivedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type AlertContextEvent = Static<typeof AlertContextEventSchema>;

/**
 * `alert.fired`: a rule's condition held, so an alert fired. Published on `<ns>.alerts.<tenantId>` (in
 * the EVENTS stream, so it lands on the timeline in log order); its id (the Nats-Msg-Id) is a UUIDv5 of
 * the alert id and the transition.
 * The alert id is derived from the rule, the group and the event that fired it, so a replay or a second
 * evaluator derives the same id and the log keeps one fact.
 */
export const AlertFiredSchema = Type.Object(
  {
    ...envelopeFields('alert.fired'),
    alertId: Uuid,
    ruleId: Uuid,
    ruleVersion: Type.Integer({ minimum: 1 }),
    ruleName: Type.String({ maxLength: 200 }),
    ruleKind: Type.Union([Type.Literal('match'), Type.Literal('absence')]),
    /** The value of the rule's groupBy field ('' without groupBy). */
    groupKey: Type.String({ maxLength: 1024 }),
    severity: Severity,
    summary: Type.String({ maxLength: 1100 }),
    firedAt: Timestamp,
    /** The events that made it fire (for a threshold: the matches in the window), oldest first. */
    eventIds: Type.Array(Uuid, { maxItems: 100 }),
    /** Change events that preceded it (deploys and the like), newest first. */
    context: Type.Array(AlertContextEventSchema, { maxItems: 20 }),
    /** The silence that covered it when it fired: no webhook is told until `alert.unsilenced`. */
    silencedBy: Type.Optional(Uuid),
  },
  { $id: 'alert.fired', additionalProperties: false },
);
export type AlertFired = Static<typeof AlertFiredSchema>;
export const AlertFiredCodec = codecFor('alert.fired', AlertFiredSchema);

export const ALERT_RESOLVE_REASONS = [
  'resolving-event',
  'quiet',
  'event-arrived',
  'rule-deleted',
  'manual',
  'dedup-key',
] as const;

/** A person's note on an acknowledgement or a manual resolution. */
export const AlertNoteSchema = Type.Union([Type.String({ minLength: 1, maxLength: 1000 }), Type.Null()]);

/**
 * `alert.resolved`: a firing alert ended: a resolving event came, the rule's quiet period passed,
 * (absence rules) a matching event arrived again, its rule was deleted, someone resolved it through the
 * API (`manual`, with `actor` and `note`), or its sender did, with an event carrying the alert's dedup
 * key and `eventAction: "resolve"` (`dedup-key`). Published on `<ns>.alerts.<tenantId>`; its id is a
 * UUIDv5 of the alert id and the transition, so an alert has at most one.
 */
export const AlertResolvedSchema = Type.Object(
  {
    ...envelopeFields('alert.resolved'),
    alertId: Uuid,
    ruleId: Uuid,
    ruleName: Type.String({ maxLength: 200 }),
    groupKey: Type.String({ maxLength: 1024 }),
    severity: Severity,
    summary: Type.String({ maxLength: 1100 }),
    resolvedAt: Timestamp,
    reason: Type.Union(ALERT_RESOLVE_REASONS.map((reason) => Type.Literal(reason))),
    /** The event that resolved it, when one did. */
    resolvingEventId: Type.Union([Uuid, Type.Null()]),
    /** Matches while it was firing, the first included. */
    count: Type.Integer({ minimum: 0 }),
    /** Who resolved it (reason `manual`). */
    actor: Type.Optional(ActorSchema),
    /** It was still silenced: no webhook heard of it, so none is told it ended. */
    silenced: Type.Optional(Type.Boolean()),
    note: Type.Optional(AlertNoteSchema),
  },
  { $id: 'alert.resolved', additionalProperties: false },
);
export type AlertResolved = Static<typeof AlertResolvedSchema>;
export const AlertResolvedCodec = codecFor('alert.resolved', AlertResolvedSchema);

/** What every acknowledgement fact repeats of its alert, so a reader needs no other fact to show it. */
const alertIdentity = {
  alertId: Uuid,
  ruleId: Uuid,
  ruleName: Type.String({ maxLength: 200 }),
  groupKey: Type.String({ maxLength: 1024 }),
  severity: Severity,
  summary: Type.String({ maxLength: 1100 }),
};

/**
 * `alert.acknowledged`: someone took a firing alert (`POST /api/v1/alerts/{id}/acknowledge`). It keeps
 * firing; a webhook whose trigger selects the `acknowledged` state is told. Published on
 * `<ns>.alerts.<tenantId>` by the rule evaluator's API.
 */
export const AlertAcknowledgedSchema = Type.Object(
  {
    ...envelopeFields('alert.acknowledged'),
    ...alertIdentity,
    acknowledgedAt: Timestamp,
    actor: ActorSchema,
    note: AlertNoteSchema,
  },
  { $id: 'alert.acknowledged', additionalProperties: false },
);
export type AlertAcknowledged = Static<typeof AlertAcknowledgedSchema>;
export const AlertAcknowledgedCodec = codecFor('alert.acknowledged', AlertAcknowledgedSchema);

/** `alert.unacknowledged`: an acknowledgement taken back; the alert is unowned again. Same subject. */
export const AlertUnacknowledgedSchema = Type.Object(
  {
    ...envelopeFields('alert.unacknowledged'),
    ...alertIdentity,
    unacknowledgedAt: Timestamp,
    actor: ActorSchema,
  },
  { $id: 'alert.unacknowledged', additionalProperties: false },
);
export type AlertUnacknowledged = Static<typeof AlertUnacknowledgedSchema>;
export const AlertUnacknowledgedCodec = codecFor('alert.unacknowledged', AlertUnacknowledgedSchema);

/**
 * `alert.unsilenced`: the silence covering a firing alert ended (its `endsAt` passed, or it was expired)
 * while the alert still fires: webhooks selecting `fired` are told now. Its id is a UUIDv5 of the alert
 * id and the transition, so an alert has at most one. Published by the rule evaluator.
 */
export const AlertUnsilencedSchema = Type.Object(
  {
    ...envelopeFields('alert.unsilenced'),
    ...alertIdentity,
    silenceId: Uuid,
    unsilencedAt: Timestamp,
    firedAt: Timestamp,
  },
  { $id: 'alert.unsilenced', additionalProperties: false },
);
export type AlertUnsilenced = Static<typeof AlertUnsilencedSchema>;
export const AlertUnsilencedCodec = codecFor('alert.unsilenced', AlertUnsilencedSchema);
