import { Type, type Static } from '@sinclair/typebox';
import { ActorSchema, actorField, codecFor, envelopeFields, Timestamp, Uuid } from '../envelope';
import { PayloadConditionSchema } from './alert-rule';
import { Severity } from './event-ingested';

/** What a webhook fires on: any of alerts, proposals, events (`events: {}` is every event). */
export const WebhookTriggerSchema = Type.Object(
  {
    alerts: Type.Optional(
      Type.Object(
        {
          minSeverity: Type.Optional(Severity),
          states: Type.Array(
            Type.Union([Type.Literal('fired'), Type.Literal('resolved'), Type.Literal('acknowledged')]),
            { minItems: 1, maxItems: 3 },
          ),
        },
        { additionalProperties: false },
      ),
    ),
    proposals: Type.Optional(
      Type.Object(
        {
          kinds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 })),
          states: Type.Array(
            Type.Union([Type.Literal('created'), Type.Literal('approved'), Type.Literal('rejected')]),
            { minItems: 1, maxItems: 3 },
          ),
        },
        { additionalProperties: false },
      ),
    ),
    events: Type.Optional(
      Type.Object(
        {
          type: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          module: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          source: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          minSeverity: Type.Optional(Severity),
          /** Conditions on the event's payload, all of which must hold: the alert rules' own (`match.payload`). */
          payload: Type.Optional(Type.Array(PayloadConditionSchema, { maxItems: 20 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type WebhookTrigger = Static<typeof WebhookTriggerSchema>;

/** A webhook as the tenant wrote it, but its custom header values and secret (sealed apart). */
export const WebhookSpecSchema = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048 }),
    description: Type.String({ maxLength: 500 }),
    trigger: WebhookTriggerSchema,
    enabled: Type.Boolean(),
    /** A JSON body template with `{{...}}` placeholders (text replacement, no code). */
    template: Type.Optional(
      Type.Object({ fields: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }),
    ),
    /** Up to `maxEvents` events or `maxSeconds` per POST, as a JSON array. */
    batch: Type.Optional(
      Type.Object(
        {
          maxEvents: Type.Integer({ minimum: 1, maximum: 1000 }),
          maxSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 300 }),
        },
        { additionalProperties: false },
      ),
    ),
    /** This webhook's own delivery settings, within the platform's caps (each unset: the platform's). */
    delivery: Type.Optional(
      Type.Object(
        {
          ratePerSecond: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
          timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
          retryWindowS: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Why Daalu disabled the webhook (its receiver failing for days, or 410 Gone); unset by its owner's next save. */
    disabledReason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type WebhookSpec = Static<typeof WebhookSpecSchema>;

/**
 * `webhook.saved`: a tenant created or replaced a webhook. Custom header values (an `Authorization`
 * for a ticketing API, say) are sealed with the deployment's secret key, never on the log in the clear.
 * Published on `<ns>.config.<tenantId>.webhook.<webhookId>` with the subject's expected last sequence.
 */
export const WebhookSavedSchema = Type.Object(
  {
    ...envelopeFields('webhook.saved'),
    occurredAt: Timestamp,
    ...actorField,
    webhookId: Uuid,
    version: Type.Integer({ minimum: 1 }),
    webhook: WebhookSpecSchema,
    sealedHeaders: Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 20_000 })),
  },
  { $id: 'webhook.saved', additionalProperties: false },
);
export type WebhookSaved = Static<typeof WebhookSavedSchema>;
export const WebhookSavedCodec = codecFor('webhook.saved', WebhookSavedSchema);

/**
 * `webhook.secret-issued`: a signing secret, sealed (at creation, and at each rotation, when the previous
 * one keeps signing until `previousExpiresAt`). Same subject as the webhook.
 */
export const WebhookSecretIssuedSchema = Type.Object(
  {
    ...envelopeFields('webhook.secret-issued'),
    occurredAt: Timestamp,
    ...actorField,
    webhookId: Uuid,
    secretId: Uuid,
    sealedSecret: Type.String({ maxLength: 1000 }),
    previousSecretId: Type.Union([Uuid, Type.Null()]),
    previousExpiresAt: Type.Union([Timestamp, Type.Null()]),
  },
  { $id: 'webhook.secret-issued', additionalProperties: false },
);
export type WebhookSecretIssued = Static<typeof WebhookSecretIssuedSchema>;
export const WebhookSecretIssuedCodec = codecFor('webhook.secret-issued', WebhookSecretIssuedSchema);

/**
 * `webhook.resealed`: an operator's `reseal` moved values still in use to the current `DAALU_SECRET_KEY`
 * after a key rotation. The same plain values sealed again (nothing signed or sent changes): the webhook's
 * latest custom headers, whole, when one of them moved; and each secret still signing, by `secretId`.
 */
export const WebhookResealedSchema = Type.Object(
  {
    ...envelopeFields('webhook.resealed'),
    occurredAt: Timestamp,
    webhookId: Uuid,
    /** Replaces the latest `webhook.saved`'s `sealedHeaders` (same names, same values); absent: unchanged. */
    sealedHeaders: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 20_000 }))),
    /** Replaces the `sealedSecret` of these `webhook.secret-issued` facts (expiry unchanged). */
    secrets: Type.Array(
      Type.Object({ secretId: Uuid, sealedSecret: Type.String({ maxLength: 1000 }) }, { additionalProperties: false }),
      { maxItems: 2 },
    ),
  },
  { $id: 'webhook.resealed', additionalProperties: false },
);
export type WebhookResealed = Static<typeof WebhookResealedSchema>;
export const WebhookResealedCodec = codecFor('webhook.resealed', WebhookResealedSchema);

/** `webhook.secret-revealed`: someone read a signing secret through the API (the audit record). */
export const WebhookSecretRevealedSchema = Type.Object(
  {
    ...envelopeFields('webhook.secret-revealed'),
    occurredAt: Timestamp,
    webhookId: Uuid,
    secretId: Uuid,
    actor: ActorSchema,
  },
  { $id: 'webhook.secret-revealed', additionalProperties: false },
);
export type WebhookSecretRevealed = Static<typeof WebhookSecretRevealedSchema>;
export const WebhookSecretRevealedCodec = codecFor('webhook.secret-revealed', WebhookSecretRevealedSchema);

/** `webhook.deleted`: a tenant deleted a webhook. */
export const WebhookDeletedSchema = Type.Object(
  { ...envelopeFields('webhook.deleted'), occurredAt: Timestamp, ...actorField, webhookId: Uuid },
  { $id: 'webhook.deleted', additionalProperties: false },
);
export type WebhookDeleted = Static<typeof WebhookDeletedSchema>;
export const WebhookDeletedCodec = codecFor('webhook.deleted', WebhookDeletedSchema);
