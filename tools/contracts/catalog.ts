import type { TSchema } from '@sinclair/typebox';
import {
  AlertAcknowledgedSchema,
  AlertFiredSchema,
  AlertResolvedSchema,
  AlertRuleDeletedSchema,
  AlertRuleSavedSchema,
  AlertUnacknowledgedSchema,
  AlertUnsilencedSchema,
  CheckPausedSchema,
  CheckResumedSchema,
  ApiTokenIssuedSchema,
  ApiTokenRevokedSchema,
  DeadLetterResolvedSchema,
  DeadLetterSchema,
  DeliveryRequestedSchema,
  EventIngestedSchema,
  IngestKeyIssuedSchema,
  IngestKeyPreviousRevokedSchema,
  ProposalApprovedSchema,
  ProposalCreatedSchema,
  ProposalRejectedSchema,
  SilenceCreatedSchema,
  SilenceExpiredSchema,
  subjectsFor,
  TenantCreatedSchema,
  TenantDeletedSchema,
  TenantResumedSchema,
  TenantSuspendedSchema,
  TenantRateLimitSetSchema,
  WebhookDeletedSchema,
  WebhookResealedSchema,
  WebhookSavedSchema,
  WebhookSecretIssuedSchema,
  WebhookSecretRevealedSchema,
  type ConfigFact,
  type EventStreamFact,
} from '@daalu/contracts';

/**
 * What the published contract says about each NATS subject and message, beyond the TypeBox schemas:
 * which subject a kind goes on, what it means, and what its fields mean. The generator
 * (`npm run contracts`) turns this and the schemas into docs/asyncapi.yaml and docs/schemas/.
 */

/** The namespace the published documents are written for (the default `DAALU_NAMESPACE`). */
export const CONTRACT_NAMESPACE = 'daalu';

/** Every message kind on a Daalu stream. Typed from the contracts, so a new kind must be described here. */
export type MessageKind =
  EventStreamFact['kind'] | ConfigFact['kind'] | 'delivery.requested' | 'dead-letter' | 'dead-letter-resolved';

export type ChannelId =
  | 'events'
  | 'alerts'
  | 'proposals'
  | 'configTenant'
  | 'configIngestKey'
  | 'configApiToken'
  | 'configAlertRule'
  | 'configWebhook'
  | 'deliveries'
  | 'deadLetters'
  | 'deadLetterResolved';

export interface ChannelParameter {
  description: string;
  examples: string[];
}

export interface ChannelEntry {
  id: ChannelId;
  /** The subject, with `{name}` for each variable token (default namespace). */
  address: string;
  title: string;
  description: string;
  parameters: Record<string, ChannelParameter>;
}

export interface MessageEntry {
  kind: MessageKind;
  schema: TSchema;
  channel: ChannelId;
  /** One line. */
  title: string;
  description: string;
  /** What the Nats-Msg-Id header holds for this kind. */
  msgId: string;
  /** Whether the message carries the envelope and its headers (Daalu-Kind and the rest); dead letters do not. */
  envelope: boolean;
  /** Meaning of fields, by top-level name (the envelope's are shared, see ENVELOPE_FIELD_DOCS). */
  fields: Record<string, string>;
}

/** Placeholders that pass the subject builders' token check, turned into `{name}` afterwards. */
const TENANT = '__tenantId__';
const subjects = subjectsFor(CONTRACT_NAMESPACE);
const address = (subject: string) => subject.replace(/__([A-Za-z]+)__/g, '{$1}');

const tenantParameter: ChannelParameter = {
  description: 'The tenant id (a UUID).',
  examples: ['0194f3a2-7c1e-7a00-8000-000000000001'],
};

export const CHANNELS: ChannelEntry[] = [
  {
    id: 'events',
    address: address(subjects.event(TENANT)),
    title: 'Ingested events',
    description:
      "One tenant's ingested events: what senders POSTed, after validation. Subscribe to `daalu.events.*` for every tenant.",
    parameters: { tenantId: tenantParameter },
  },
  {
    id: 'alerts',
    address: address(subjects.alert(TENANT)),
    title: 'Alerts',
    description:
      "One tenant's alert facts (`alert.fired`, `alert.resolved`), in log order with the events that caused them. " +
      'Subscribe to `daalu.alerts.*` for every tenant.',
    parameters: { tenantId: tenantParameter },
  },
  {
    id: 'proposals',
    address: address(subjects.proposal(TENANT, '__proposalId__')),
    title: 'Proposals',
    description:
      "One proposal's facts: `proposal.created`, then at most one decision. Each proposal has its own subject; " +
      'subscribe to `daalu.proposals.>` for every proposal, `daalu.proposals.<tenantId>.*` for one tenant.',
    parameters: {
      tenantId: tenantParameter,
      proposalId: { description: 'The proposal id (a UUID v7).', examples: ['0194f3a2-7c1e-7a00-8000-00000000c0de'] },
    },
  },
  {
    id: 'configTenant',
    address: address(subjects.config(TENANT, 'tenant')),
    title: 'Tenant facts',
    description: "A tenant's creation and its inbound rate limit.",
    parameters: { tenantId: tenantParameter },
  },
  {
    id: 'configIngestKey',
    address: address(subjects.config(TENANT, 'ingest-key')),
    title: 'Ingest keys',
    description: "A tenant's ingest keys (hashes and public prefixes only).",
    parameters: { tenantId: tenantParameter },
  },
  {
    id: 'configApiToken',
    address: address(subjects.config(TENANT, 'api-token')),
    title: 'API tokens',
    description: "A tenant's API tokens (hashes and public prefixes only).",
    parameters: { tenantId: tenantParameter },
  },
  {
    id: 'configAlertRule',
    address: address(`${subjects.config(TENANT, 'alert-rule')}.__ruleId__`),
    title: 'Alert rules',
    description:
      "One alert rule's facts, written with the subject's expected last sequence (0 for a new rule): of two " +
      'concurrent changes only one is stored. The last fact of a rule is the rule. Subscribe to ' +
      '`daalu.config.*.alert-rule.*` for every rule change.',
    parameters: {
      tenantId: tenantParameter,
      ruleId: { description: 'The rule id (a UUID v7).', examples: ['0194f3a2-7c1e-7a00-8000-00000000a1e7'] },
    },
  },
  {
    id: 'configWebhook',
    address: address(`${subjects.config(TENANT, 'webhook')}.__webhookId__`),
    title: 'Webhooks',
    description:
      "One outbound webhook's facts, written with the subject's expected last sequence. Secrets and custom " +
      "header values are sealed (AES-256-GCM under the deployment's key): a subscriber sees that they exist, " +
      'never what they are.',
    parameters: {
      tenantId: tenantParameter,
      webhookId: { description: 'The webhook id (a UUID v7).', examples: ['0194f3a2-7c1e-7a00-8000-00000000beef'] },
    },
  },
  {
    id: 'deliveries',
    address: address(subjects.delivery(TENANT)),
    title: 'Deliveries to make',
    description:
      "The outbound dispatcher's work queue: a signed POST to make. Read by the dispatcher's replicas through one " +
      'durable consumer (`dispatch`); other teams may watch it, but must not consume it with a work consumer of ' +
      'their own.',
    parameters: { tenantId: tenantParameter },
  },
  {
    id: 'deadLetters',
    address: address(subjects.deadLetter('__consumer__')),
    title: 'Dead letters',
    description:
      'Messages a Daalu consumer set aside because it could not decode or apply them (its own data, not an ' +
      'outage), kept for inspection and replay. One letter per consumer and message.',
    parameters: {
      consumer: {
        description:
          'The consumer that set the message aside: a projection (`timeline-events`, `alert-evaluation`, ' +
          '`proposals`, `webhook-fanout`), the work consumer `dispatch`, or a configuration follower ' +
          '(`credentials`, `api-tokens`, `alert-rules`, `webhooks`).',
        examples: [
          'timeline-events',
          'alert-evaluation',
          'proposals',
          'webhook-fanout',
          'dispatch',
          'credentials',
          'api-tokens',
          'alert-rules',
          'webhooks',
        ],
      },
    },
  },
  {
    id: 'deadLetterResolved',
    address: subjects.deadLetterResolved,
    title: 'Dead letters dealt with',
    description:
      'An operator replayed a dead letter after a fix, or discarded it. The letter itself stays on the stream.',
    parameters: {},
  },
];

/** Field meanings shared by every message with the envelope. */
export const ENVELOPE_FIELD_DOCS: Record<string, string> = {
  schemaVersion: 'Shape version; a breaking change bumps it (and the `Daalu-Schema-Version` header).',
  kind: 'What the message is; the same as the `Daalu-Kind` header.',
  id:
    'Unique message id, also the `Nats-Msg-Id`: a UUID v7 (time-ordered) for most; an event posted with an ' +
    '`Idempotency-Key` has one derived from tenant and key (v8), alert facts one derived from the alert (v5). ' +
    'Treat it as the key of the message.',
  tenantId: 'The tenant (UUID); for ingested events it comes from the ingest key, never the body.',
  correlationId: 'Ties together everything one request caused.',
  causationId: 'Id of the message that directly caused this one; null for a user action.',
  occurredAt: 'When it happened (RFC 3339, UTC).',
  actor:
    'Who caused it: a tenant API token as `<its name> (dat_Ab3x…)`, the operator as `operator (dop_…)`, Daalu ' +
    'itself as `daalu`. Absent on facts written before actors were recorded.',
};

const MSG_ID = 'the message `id` (JetStream drops a repeat within 2 minutes).';

/** What each acknowledgement fact repeats of its alert. */
const alertIdentityFields = {
  alertId: 'The alert.',
  ruleId: 'Its rule.',
  ruleName: 'The name of its rule.',
  groupKey: "The value of the rule's `groupBy` field (empty without `groupBy`).",
  severity: "The alert's severity.",
  summary: "The alert's summary.",
};

const ruleFields = {
  ruleId: 'The rule (UUID v7).',
};

const proposalFields = {
  proposalId: 'The proposal (UUID v7).',
  proposalKind: 'What kind of change, free text (1-64 characters): `change`, `scale`, `rollback`, ...',
  title: 'What is proposed, 1-200 characters.',
};

const webhookSealed =
  'Sealed (AES-256-GCM under the deployment key): a subscriber sees that it exists, never what it is.';

export const MESSAGES: MessageEntry[] = [
  {
    kind: 'event.ingested',
    schema: EventIngestedSchema,
    channel: 'events',
    title: 'An event a sender posted',
    description: 'An event a sender POSTed to the ingest API, after validation. The tenant comes from the ingest key.',
    msgId: MSG_ID,
    envelope: true,
    fields: {
      type: 'What happened, e.g. `deploy.failed` (1-128 characters).',
      module: 'The module that sent it, e.g. `ci` (1-64 characters).',
      source: 'The sender, e.g. `github-actions` (1-128 characters).',
      summary: 'One line for people (1-1024 characters).',
      severity: '`info`, `warning` or `critical`.',
      payload: 'The event data, a JSON object as the sender gave it.',
      receivedAt: 'When the gateway accepted it (RFC 3339, UTC).',
    },
  },
  {
    kind: 'alert.fired',
    schema: AlertFiredSchema,
    channel: 'alerts',
    title: 'An alert fired',
    description:
      "A rule's condition held: an alert fired. Published by the rule evaluator after the event that fired it (in " +
      'log order, so on the timeline it follows the event). An absence alert has `correlationId` = its `alertId` ' +
      'and `causationId` null. An alert has one `alert.fired` and at most one `alert.resolved`; a publish retried ' +
      'after the 2-minute duplicate window could store a second copy with the same `id`, so treat `id` as the key.',
    msgId: 'the message `id`: a UUID v5 of the alert id and the transition (`fired`).',
    envelope: true,
    fields: {
      alertId: 'The alert; derived from rule, group and cause, so a replay or a second evaluator derives the same one.',
      ruleId: 'The rule that fired, as it was when it fired.',
      ruleVersion: 'The version of the rule that fired.',
      ruleName: 'The name of the rule that fired.',
      ruleKind: '`match` or `absence`.',
      groupKey: "The value of the rule's `groupBy` field (empty without `groupBy`).",
      severity: "The rule's alert severity.",
      summary: "The rule's summary template filled from the event (at most 1,024 characters).",
      firedAt:
        "The firing event's `receivedAt`; for an absence rule, the evaluator's clock when the deadline had passed.",
      eventIds:
        'The events that made it fire, oldest first (threshold: the matches in the window, at most 100); empty for absence.',
      context: 'Change events (deploys and the like) that preceded it, newest first, at most 20; empty for absence.',
      silencedBy: 'The silence that covered it when it fired: no webhook is told until `alert.unsilenced`.',
    },
  },
  {
    kind: 'alert.resolved',
    schema: AlertResolvedSchema,
    channel: 'alerts',
    title: 'A firing alert ended',
    description:
      'A firing alert ended: a resolving event came, the quiet period passed, (absence rules) a matching event ' +
      'arrived again, its rule was deleted, someone resolved it through the API, or its sender did by its dedup ' +
      'key. `correlationId` is the alert id.',
    msgId: 'the message `id`: a UUID v5 of the alert id and the transition (`resolved`).',
    envelope: true,
    fields: {
      alertId: 'The alert that ended.',
      ruleId: 'Its rule.',
      ruleName: 'The name of its rule.',
      groupKey: "The value of the rule's `groupBy` field (empty without `groupBy`).",
      severity: "The alert's severity.",
      summary: "The alert's summary.",
      resolvedAt:
        "The resolving event's `receivedAt`; for `quiet` and `rule-deleted`, the evaluator's clock; for `manual`, " +
        'when the API took the request.',
      reason:
        "`resolving-event` (an event matched the rule's `resolve.match`), `quiet` (no match for " +
        '`resolve.quietSeconds`), `event-arrived` (absence: a matching event came again), `rule-deleted`, ' +
        "`manual` (`POST /api/v1/alerts/{id}/resolve`), `dedup-key` (an event with the alert's dedup key and " +
        '`eventAction: "resolve"`).',
      resolvingEventId: 'The event that resolved it; null when no event did.',
      count: 'Matches while it was firing, the first included (absence: 1).',
      actor: 'Who resolved it (`manual` only), as `<token name> (<prefix>)`.',
      note: 'Their note (`manual` only); null without one.',
      silenced: 'True when it was still silenced: no webhook heard it fire, so none is told it ended.',
    },
  },
  {
    kind: 'alert.acknowledged',
    schema: AlertAcknowledgedSchema,
    channel: 'alerts',
    title: 'Someone took a firing alert',
    description:
      'Someone acknowledged a firing alert (`POST /api/v1/alerts/{id}/acknowledge`): it keeps firing, owned. ' +
      'Published by the rule evaluator after the alert fired; `correlationId` is the alert id.',
    msgId: MSG_ID,
    envelope: true,
    fields: {
      ...alertIdentityFields,
      acknowledgedAt: 'When the API took the request.',
      actor: 'Who, as `<token name> (<prefix>)`.',
      note: 'Their note; null without one.',
    },
  },
  {
    kind: 'alert.unsilenced',
    schema: AlertUnsilencedSchema,
    channel: 'alerts',
    title: "A firing alert's silence ended",
    description:
      'The silence that covered a firing alert ended (its `endsAt` passed, or someone expired it) while the alert ' +
      'still fires: webhooks selecting `fired` are told now. Published by the rule evaluator; at most one per alert.',
    msgId: 'the message `id`: a UUID v5 of the alert id and the transition (`unsilenced`).',
    envelope: true,
    fields: {
      ...alertIdentityFields,
      silenceId: 'The silence that ended.',
      unsilencedAt: "When it ended (the evaluator's clock, or the expiry's time).",
      firedAt: 'When the alert fired.',
    },
  },
  {
    kind: 'silence.created',
    schema: SilenceCreatedSchema,
    channel: 'alerts',
    title: 'Alerts were silenced',
    description:
      'Someone silenced alerts from `startsAt` until `endsAt` (`POST /api/v1/silences`). An alert a silence covers ' +
      'when it fires still fires and shows on the timeline, marked silenced, but no webhook is told until it ends. ' +
      'On the alerts subject so the evaluator applies it in log order: a rebuild decides the same.',
    msgId: MSG_ID,
    envelope: true,
    fields: {
      actor: 'Who, as `<token name> (<prefix>)`.',
      silenceId: 'The silence (UUID v7).',
      matchers:
        'Which alerts: `ruleId`, `severity`, `groupKey`, `payload` (conditions on the firing event), all that are ' +
        'given must hold; none given: every alert of the tenant.',
      startsAt: 'From when.',
      endsAt: 'Until when.',
      comment: 'Why (may be empty).',
    },
  },
  {
    kind: 'silence.expired',
    schema: SilenceExpiredSchema,
    channel: 'alerts',
    title: 'A silence was ended early',
    description: 'Someone ended a silence before its `endsAt` (`POST /api/v1/silences/{id}/expire`).',
    msgId: MSG_ID,
    envelope: true,
    fields: { actor: 'Who, as `<token name> (<prefix>)`.', silenceId: 'The silence.' },
  },
  {
    kind: 'check.paused',
    schema: CheckPausedSchema,
    channel: 'alerts',
    title: 'A heartbeat check was paused',
    description:
      'Someone paused a heartbeat check (an absence rule, every group of it: `POST /api/v1/checks/{ruleId}/pause`). ' +
      'It fires nothing until resumed; its pings are still recorded. On the alerts subject so the evaluator ' +
      'applies it in log order with the pings.',
    msgId: MSG_ID,
    envelope: true,
    fields: { actor: 'Who, as `<token name> (<prefix>)`.', ruleId: 'The absence rule.', ruleName: 'Its name then.' },
  },
  {
    kind: 'check.resumed',
    schema: CheckResumedSchema,
    channel: 'alerts',
    title: 'A heartbeat check was resumed',
    description:
      'A paused heartbeat check watches again (`POST /api/v1/checks/{ruleId}/resume`); its next deadline counts ' +
      'from this moment.',
    msgId: MSG_ID,
    envelope: true,
    fields: { actor: 'Who, as `<token name> (<prefix>)`.', ruleId: 'The absence rule.', ruleName: 'Its name then.' },
  },
  {
    kind: 'alert.unacknowledged',
    schema: AlertUnacknowledgedSchema,
    channel: 'alerts',
    title: 'An acknowledgement was taken back',
    description:
      'An acknowledgement was taken back (`POST /api/v1/alerts/{id}/unacknowledge`): the alert is unowned again.',
    msgId: MSG_ID,
    envelope: true,
    fields: {
      ...alertIdentityFields,
      unacknowledgedAt: 'When the API took the request.',
      actor: 'Who, as `<token name> (<prefix>)`.',
    },
  },
  {
    kind: 'proposal.created',
    schema: ProposalCreatedSchema,
    channel: 'proposals',
    title: 'A change was proposed',
    description: 'Someone proposed a change. Published expecting the proposal subject empty.',
    msgId: MSG_ID,
    envelope: true,
    fields: {
      ...proposalFields,
      actor: "Who: the caller's API token, as `<its name> (dat_Ab3x…)`.",
      payload: 'A JSON object, as the proposer gave it.',
    },
  },
  {
    kind: 'proposal.approved',
    schema: ProposalApprovedSchema,
    channel: 'proposals',
    title: 'A proposal was approved',
    description:
      "The approval of a pending proposal, published expecting the sequence of the proposal's last fact, so two " +
      'decisions can never both land. `occurredAt` is when it was decided.',
    msgId: MSG_ID,
    envelope: true,
    fields: {
      ...proposalFields,
      actor: 'Who decided: the `by` the decider gave, else the API token as `<its name> (dat_Ab3x…)`.',
      reason: 'Why, as the decider gave it; null without one.',
    },
  },
  {
    kind: 'proposal.rejected',
    schema: ProposalRejectedSchema,
    channel: 'proposals',
    title: 'A proposal was rejected',
    description:
      "The rejection of a pending proposal, published expecting the sequence of the proposal's last fact, so two " +
      'decisions can never both land. `occurredAt` is when it was decided.',
    msgId: MSG_ID,
    envelope: true,
    fields: {
      ...proposalFields,
      actor: 'Who decided: the `by` the decider gave, else the API token as `<its name> (dat_Ab3x…)`.',
      reason: 'Why, as the decider gave it; null without one.',
    },
  },
  {
    kind: 'tenant.created',
    schema: TenantCreatedSchema,
    channel: 'configTenant',
    title: 'A tenant was created',
    description: 'An operator created a tenant. Published expecting the subject empty, so a tenant id is created once.',
    msgId: MSG_ID,
    envelope: true,
    fields: { name: 'The tenant name.' },
  },
  {
    kind: 'tenant.rate-limit-set',
    schema: TenantRateLimitSetSchema,
    channel: 'configTenant',
    title: "A tenant's inbound rate limit changed",
    description: "An operator changed a tenant's inbound rate limit.",
    msgId: MSG_ID,
    envelope: true,
    fields: { perSecond: 'Events per second, sustained.', burst: 'Events accepted at once above the rate.' },
  },
  {
    kind: 'tenant.suspended',
    schema: TenantSuspendedSchema,
    channel: 'configTenant',
    title: 'A tenant was suspended',
    description: 'An operator suspended a tenant: its ingest and its API tokens get 403 until it is resumed.',
    msgId: MSG_ID,
    envelope: true,
    fields: { reason: 'Why, as the operator gave it (may be empty).' },
  },
  {
    kind: 'tenant.resumed',
    schema: TenantResumedSchema,
    channel: 'configTenant',
    title: 'A suspended tenant was resumed',
    description: 'An operator lifted a suspension.',
    msgId: MSG_ID,
    envelope: true,
    fields: {},
  },
  {
    kind: 'tenant.deleted',
    schema: TenantDeletedSchema,
    channel: 'configTenant',
    title: 'A tenant was deleted',
    description:
      "An operator deleted a tenant. The tenant's earlier CONFIG facts were purged before it was published; every " +
      "app removes the tenant's rows and skips its facts still on the log.",
    msgId: MSG_ID,
    envelope: true,
    fields: {},
  },
  {
    kind: 'ingest-key.issued',
    schema: IngestKeyIssuedSchema,
    channel: 'configIngestKey',
    title: 'An ingest key was issued',
    description:
      'A tenant got an ingest key, at creation or by rotation. Only the SHA-256 and the public prefix are on the ' +
      'log. On rotation the previous key keeps working until `previousKeyExpiresAt`.',
    msgId: MSG_ID,
    envelope: true,
    fields: {
      keyId: 'The key (UUID v7).',
      keyHash: 'SHA-256 of the key, hex.',
      keyPrefix: 'What may be shown of the key, e.g. `dik_7fQ2…`.',
      previousKeyId: 'The key it replaces; null at creation.',
      previousKeyExpiresAt: 'Until when the replaced key still works; null at creation.',
    },
  },
  {
    kind: 'ingest-key.previous-revoked',
    schema: IngestKeyPreviousRevokedSchema,
    channel: 'configIngestKey',
    title: 'A rotated-out ingest key was revoked',
    description: 'The key a rotation replaced is refused from now on, before its grace period ends (a leaked key).',
    msgId: MSG_ID,
    envelope: true,
    fields: { keyId: 'The rotated-out key now refused.' },
  },
  {
    kind: 'api-token.issued',
    schema: ApiTokenIssuedSchema,
    channel: 'configApiToken',
    title: 'An API token was issued',
    description: "A tenant API token (the management API's Bearer token). Only its SHA-256 is on the log.",
    msgId: MSG_ID,
    envelope: true,
    fields: {
      tokenId: 'The token (UUID v7).',
      tokenHash: 'SHA-256 of the token, hex.',
      tokenPrefix: 'What may be shown of the token, e.g. `dat_Ab3x…`.',
      name: "The name its creator gave it; absent on a tenant's first token (`initial`).",
      scopes: '`read`, `write` and/or `admin` (each includes the ones before it); absent: `admin`.',
      expiresAt: 'When it stops working on its own; null or absent: never.',
    },
  },
  {
    kind: 'api-token.revoked',
    schema: ApiTokenRevokedSchema,
    channel: 'configApiToken',
    title: 'An API token was revoked',
    description: 'A tenant revoked one of its API tokens; every app refuses it once it has applied this fact.',
    msgId: MSG_ID,
    envelope: true,
    fields: { tokenId: 'The token revoked.', tokenPrefix: 'What may be shown of it, e.g. `dat_Ab3x…`.' },
  },
  {
    kind: 'alert-rule.saved',
    schema: AlertRuleSavedSchema,
    channel: 'configAlertRule',
    title: 'An alert rule was created or replaced',
    description:
      'A tenant created or replaced an alert rule. It carries the whole rule, defaults filled, so a reader needs ' +
      'only the last fact of a rule.',
    msgId: MSG_ID,
    envelope: true,
    fields: {
      ...ruleFields,
      version: '1 when created, then + 1 on every change.',
      rule:
        'The rule: `name`, `kind` (`match`/`absence`), `enabled`, `match`, `alert` (`severity`, `summary`); ' +
        'optionally `groupBy`, and for match rules `threshold` and `resolve` (`{match}` or `{quietSeconds}`); ' +
        'absence rules (heartbeat checks) also `everySeconds` or a cron `schedule` with a `timezone`, `graceSeconds`, ' +
        'and optionally `maxRunSeconds`.',
    },
  },
  {
    kind: 'alert-rule.deleted',
    schema: AlertRuleDeletedSchema,
    channel: 'configAlertRule',
    title: 'An alert rule was deleted',
    description: 'A tenant deleted an alert rule.',
    msgId: MSG_ID,
    envelope: true,
    fields: { ...ruleFields },
  },
  {
    kind: 'webhook.saved',
    schema: WebhookSavedSchema,
    channel: 'configWebhook',
    title: 'A webhook was created or replaced',
    description: 'A tenant created or replaced an outbound webhook. Custom header values are sealed.',
    msgId: MSG_ID,
    envelope: true,
    fields: {
      webhookId: 'The webhook (UUID v7).',
      version: '1 when created, then + 1 on every change.',
      webhook: 'The webhook: `url`, `description`, `trigger`, `enabled`, and optionally `template` and `batch`.',
      sealedHeaders: `Custom header name to its value. ${webhookSealed}`,
    },
  },
  {
    kind: 'webhook.secret-issued',
    schema: WebhookSecretIssuedSchema,
    channel: 'configWebhook',
    title: 'A webhook signing secret was issued',
    description:
      'A signing secret, sealed: at creation, and at each rotation, when the previous one keeps signing until ' +
      '`previousExpiresAt`.',
    msgId: MSG_ID,
    envelope: true,
    fields: {
      webhookId: 'The webhook.',
      secretId: 'The secret (UUID v7).',
      sealedSecret: `The secret. ${webhookSealed}`,
      previousSecretId: 'The secret it replaces; null at creation.',
      previousExpiresAt: 'Until when the previous secret still signs; null at creation.',
    },
  },
  {
    kind: 'webhook.secret-revealed',
    schema: WebhookSecretRevealedSchema,
    channel: 'configWebhook',
    title: 'A webhook signing secret was read',
    description: 'Someone read a signing secret through the API (the audit record).',
    msgId: MSG_ID,
    envelope: true,
    fields: {
      webhookId: 'The webhook.',
      secretId: 'The secret read.',
      actor: 'Who read it through the API.',
    },
  },
  {
    kind: 'webhook.resealed',
    schema: WebhookResealedSchema,
    channel: 'configWebhook',
    title: "A webhook's sealed values moved to the current key",
    description:
      "Written by the operator's `reseal` after a change of the sealing key: the same plain values sealed again " +
      'under the current key, so nothing a receiver sees changes.',
    msgId:
      'the message `id`, derived from the webhook and the sequence it was planned from, so a retried publish is stored once.',
    envelope: true,
    fields: {
      webhookId: 'The webhook.',
      sealedHeaders:
        "Replaces the latest `webhook.saved`'s `sealedHeaders`, whole (same names and values); absent: unchanged.",
      secrets: 'Replaces the `sealedSecret` of these `webhook.secret-issued` facts, by `secretId` (expiry unchanged).',
    },
  },
  {
    kind: 'webhook.deleted',
    schema: WebhookDeletedSchema,
    channel: 'configWebhook',
    title: 'A webhook was deleted',
    description: 'A tenant deleted an outbound webhook.',
    msgId: MSG_ID,
    envelope: true,
    fields: { webhookId: 'The webhook.' },
  },
  {
    kind: 'delivery.requested',
    schema: DeliveryRequestedSchema,
    channel: 'deliveries',
    title: 'A webhook delivery to make',
    description:
      "A webhook's trigger fired on a fact (or a batch closed), so a signed POST is to be made. A batch-mode " +
      "webhook's delivery has `factKind` `delivery.batch`, `factId` the batch id (also its delivery id) and " +
      '`fact` `{"size": n}`; its facts are in the dispatcher\'s database.',
    msgId: 'the delivery id, or a new UUID v7 for a redelivery.',
    envelope: true,
    fields: {
      deliveryId:
        'The `webhook-id` header every attempt carries: a UUID v5 of the webhook and the fact, so a replayed fact ' +
        'requests the same delivery.',
      webhookId: 'The webhook to deliver to.',
      factKind: 'The kind of the fact that triggered it, or `delivery.batch`.',
      factId: 'The id of that fact, or the batch id.',
      fact: 'The fact itself (the default body\'s `data`), or `{"size": n}` for a batch.',
      requestedAt: 'When the delivery was requested (RFC 3339, UTC).',
    },
  },
  {
    kind: 'dead-letter',
    schema: DeadLetterSchema,
    channel: 'deadLetters',
    title: 'A message a consumer set aside',
    description:
      'A message a Daalu consumer set aside because it could not be decoded or applied, with its bytes and ' +
      'headers as they were. A replay puts the message back on `subject` for `consumer` only (with ' +
      '`Daalu-Replay-For`); the letter stays either way, and a `dead-letter-resolved` says it was dealt with. ' +
      'Not an envelope message: it has no `id`, `tenantId` or correlation.',
    msgId: '`<consumer>:<stream>:<sequence>`: one letter per consumer and message.',
    envelope: false,
    fields: {
      schemaVersion: 'Shape version.',
      kind: 'Always `dead-letter`.',
      consumer: 'Who set it aside.',
      stream: 'The stream the message is on.',
      streamSequence: 'Its sequence on that stream.',
      subject: 'Its subject.',
      reason:
        "Why: the decoder's error, `could not be applied: <error>` (a projection or a follower), " +
        '`failed 3 times: <error>` (`dispatch`).',
      deliveryCount: 'Deliveries of the message to that consumer when it was set aside.',
      recordedAt: 'When (RFC 3339, UTC).',
      headers: "The message's headers as they were (name to values).",
      dataBase64: "The message's bytes as they were, base64.",
    },
  },
  {
    kind: 'dead-letter-resolved',
    schema: DeadLetterResolvedSchema,
    channel: 'deadLetterResolved',
    title: 'A dead letter was replayed or discarded',
    description: 'An operator replayed a dead letter after a fix, or discarded it. Not an envelope message.',
    msgId: '`resolved:<letterSequence>`.',
    envelope: false,
    fields: {
      schemaVersion: 'Shape version.',
      kind: 'Always `dead-letter-resolved`.',
      letterSequence: "The letter's sequence on the dead-letter stream.",
      consumer: "The letter's consumer.",
      action: '`replayed` or `discarded`.',
      replayedAs: "`replayed` only: the replayed message's sequence on its stream.",
      resolvedAt: 'When (RFC 3339, UTC).',
    },
  },
];

/** Core NATS subjects (not stored) Daalu's replicas use among themselves. Not for other consumers. */
export const INTERNAL_CHANNELS = [
  {
    id: 'ingestRateLimit',
    address: subjects.ingestRateLimit,
    title: 'Ingest rate-limit gossip (internal)',
    description:
      'Core NATS, not stored: every 100 ms each ingest gateway replica tells the others what each tenant consumed. ' +
      'Internal to Daalu; not for other consumers.',
    counts: 'Events accepted since the last report, by tenant id.',
  },
  {
    id: 'outboundRateLimit',
    address: subjects.outboundRateLimit,
    title: 'Outbound rate-limit gossip (internal)',
    description:
      'Core NATS, not stored: dispatcher replicas tell each other what each receiver URL got. Internal to Daalu; ' +
      'not for other consumers.',
    counts: 'Requests made since the last report, by receiver URL.',
  },
] as const;
