import {
  eventIngested,
  SCHEMA_VERSION,
  userFactHeader,
  type AlertAcknowledged,
  type AlertFired,
  type AlertUnacknowledged,
  type AlertUnsilenced,
  type CheckPaused,
  type CheckResumed,
  type SilenceCreated,
  type SilenceExpired,
  type ConfigFact,
  type EventStreamFact,
  type AlertResolved,
  type AlertRuleDeleted,
  type AlertRuleSaved,
  type ApiTokenIssued,
  type ApiTokenRevoked,
  type DeadLetter,
  type DeadLetterResolved,
  type DeliveryRequested,
  type EventIngested,
  type IngestKeyIssued,
  type IngestKeyPreviousRevoked,
  type ProposalApproved,
  type ProposalCreated,
  type ProposalRejected,
  type TenantCreated,
  type TenantDeleted,
  type TenantResumed,
  type TenantSuspended,
  type TenantRateLimitSet,
  type WebhookDeleted,
  type WebhookResealed,
  type WebhookSaved,
  type WebhookSecretIssued,
  type WebhookSecretRevealed,
} from '@daalu/contracts';
import type { MessageKind } from './catalog';

/**
 * One example of each message kind, as the apps publish it: the published documents show them, and the
 * contract tests check them against the JSON Schemas. Fixed ids and times, so the documents are stable.
 */

const TENANT = '0194f3a2-7c1e-7a00-8000-000000000001';
const EVENT = '0194f3a2-7c1e-7a00-8000-00000000abcd';
const DEPLOY = '0194f3a2-7a40-7a00-8000-00000000d001';
const ALERT = '5b0c7f3e-8d1a-5c2e-9f4b-6a7d8e9f0a1b';
const RULE = '0194f3a2-7c1e-7a00-8000-00000000a1e7';
const PROPOSAL = '0194f3a2-7c1e-7a00-8000-00000000c0de';
const WEBHOOK = '0194f3a2-7c1e-7a00-8000-00000000beef';
const SECRET = '0194f3a2-7c1e-7a00-8000-000000005ec1';
const REQUEST = '0194f3a2-7c00-7a00-8000-00000000f00d';
const AT = '2026-11-27T14:30:00.123Z';
const SEALED = 'v1.k7Qx2mPa.AAAAAAAAAAAAAAAA.c2VhbGVkIHZhbHVl';

const event: EventIngested = eventIngested(
  EVENT,
  TENANT,
  {
    type: 'check.failed',
    module: 'custom',
    source: 'nightly-cron',
    summary: 'disk usage on backup host exceeded 90%',
    severity: 'warning',
    payload: { host: 'backup-1', pct: 93 },
  },
  AT,
);

const fired: AlertFired = {
  schemaVersion: SCHEMA_VERSION,
  kind: 'alert.fired',
  id: '8f14e45f-ceea-5e7a-9b1c-3d2e4f5a6b7c',
  tenantId: TENANT,
  correlationId: event.correlationId,
  causationId: event.id,
  alertId: ALERT,
  ruleId: RULE,
  ruleVersion: 2,
  ruleName: 'disk over 90%',
  ruleKind: 'match',
  groupKey: 'backup-1',
  severity: 'critical',
  summary: 'disk on backup-1 at 93%',
  firedAt: event.receivedAt,
  eventIds: [event.id],
  context: [
    {
      id: DEPLOY,
      type: 'deploy.finished',
      source: 'github-actions',
      summary: 'deployed api a1b2c3d',
      receivedAt: '2026-11-27T14:28:00.000Z',
    },
  ],
};

const resolved: AlertResolved = {
  schemaVersion: SCHEMA_VERSION,
  kind: 'alert.resolved',
  id: 'c9f0f895-fb98-5b91-8d6e-2f3a4b5c6d7e',
  tenantId: TENANT,
  correlationId: ALERT,
  causationId: '0194f3a2-9000-7a00-8000-00000000abce',
  alertId: ALERT,
  ruleId: RULE,
  ruleName: 'disk over 90%',
  groupKey: 'backup-1',
  severity: 'critical',
  summary: 'disk on backup-1 at 93%',
  resolvedAt: '2026-11-27T14:41:12.000Z',
  reason: 'resolving-event',
  resolvingEventId: '0194f3a2-9000-7a00-8000-00000000abce',
  count: 7,
};

const acknowledged: AlertAcknowledged = {
  schemaVersion: SCHEMA_VERSION,
  kind: 'alert.acknowledged',
  id: '0194f3a2-9100-7a00-8000-00000000ac01',
  tenantId: TENANT,
  correlationId: ALERT,
  causationId: null,
  alertId: ALERT,
  ruleId: RULE,
  ruleName: 'disk over 90%',
  groupKey: 'backup-1',
  severity: 'critical',
  summary: 'disk on backup-1 at 93%',
  acknowledgedAt: '2026-11-27T14:33:00.000Z',
  actor: 'alice laptop (dat_Zz9k…)',
  note: 'looking at backup-1',
};

const unacknowledged: AlertUnacknowledged = {
  schemaVersion: SCHEMA_VERSION,
  kind: 'alert.unacknowledged',
  id: '0194f3a2-9100-7a00-8000-00000000ac02',
  tenantId: TENANT,
  correlationId: ALERT,
  causationId: null,
  alertId: ALERT,
  ruleId: RULE,
  ruleName: 'disk over 90%',
  groupKey: 'backup-1',
  severity: 'critical',
  summary: 'disk on backup-1 at 93%',
  unacknowledgedAt: '2026-11-27T14:35:00.000Z',
  actor: 'alice laptop (dat_Zz9k…)',
};

const unsilenced: AlertUnsilenced = {
  schemaVersion: SCHEMA_VERSION,
  kind: 'alert.unsilenced',
  id: '5a1b2c3d-4e5f-5a6b-8c7d-9e0f1a2b3c4d',
  tenantId: TENANT,
  correlationId: ALERT,
  causationId: null,
  alertId: ALERT,
  ruleId: RULE,
  ruleName: 'disk over 90%',
  groupKey: 'backup-1',
  severity: 'critical',
  summary: 'disk on backup-1 at 93%',
  silenceId: '0194f3a2-9100-7a00-8000-0000000051e0',
  unsilencedAt: '2026-11-27T16:00:00.000Z',
  firedAt: '2026-11-27T14:30:00.000Z',
};

const silenceCreated: SilenceCreated = {
  schemaVersion: SCHEMA_VERSION,
  kind: 'silence.created',
  id: '0194f3a2-9100-7a00-8000-00000000ac03',
  tenantId: TENANT,
  correlationId: '0194f3a2-9100-7a00-8000-00000000ac03',
  causationId: null,
  occurredAt: '2026-11-27T14:00:00.000Z',
  actor: 'alice laptop (dat_Zz9k…)',
  silenceId: '0194f3a2-9100-7a00-8000-0000000051e0',
  matchers: { ruleId: RULE, payload: [{ field: 'host', op: 'eq', value: 'backup-1' }] },
  startsAt: '2026-11-27T14:00:00.000Z',
  endsAt: '2026-11-27T16:00:00.000Z',
  comment: 'disk swap on backup-1',
};

const silenceExpired: SilenceExpired = {
  schemaVersion: SCHEMA_VERSION,
  kind: 'silence.expired',
  id: '0194f3a2-9100-7a00-8000-00000000ac04',
  tenantId: TENANT,
  correlationId: '0194f3a2-9100-7a00-8000-00000000ac04',
  causationId: null,
  occurredAt: '2026-11-27T15:10:00.000Z',
  actor: 'alice laptop (dat_Zz9k…)',
  silenceId: '0194f3a2-9100-7a00-8000-0000000051e0',
};

const checkPaused: CheckPaused = {
  schemaVersion: SCHEMA_VERSION,
  kind: 'check.paused',
  id: '0194f3a2-9100-7a00-8000-00000000ac05',
  tenantId: TENANT,
  correlationId: '0194f3a2-9100-7a00-8000-00000000ac05',
  causationId: null,
  occurredAt: '2026-11-27T14:00:00.000Z',
  actor: 'alice laptop (dat_Zz9k…)',
  ruleId: RULE,
  ruleName: 'nightly backup',
};

const checkResumed: CheckResumed = {
  ...checkPaused,
  kind: 'check.resumed',
  id: '0194f3a2-9100-7a00-8000-00000000ac06',
  correlationId: '0194f3a2-9100-7a00-8000-00000000ac06',
  occurredAt: '2026-11-27T16:00:00.000Z',
};

/** The header of a fact a user's request started (ids distinct per kind, fixed). */
const fact = <K extends string>(kind: K, n: number) => ({
  ...userFactHeader(kind, TENANT, `0194f3a2-7c1e-7a00-8000-${n.toString(16).padStart(12, '0')}`),
  occurredAt: '2026-11-27T14:00:00.000Z',
});

const created: ProposalCreated = {
  ...fact('proposal.created', 0x101),
  proposalId: PROPOSAL,
  proposalKind: 'change',
  title: 'scale api to 6',
  actor: 'deploy bot (dat_Ab3x…)',
  payload: { service: 'api', replicas: 6 },
};

const approved: ProposalApproved & { kind: 'proposal.approved' } = {
  ...fact('proposal.approved', 0x102),
  proposalId: PROPOSAL,
  proposalKind: 'change',
  title: 'scale api to 6',
  actor: 'alice',
  reason: 'load test passed',
};

const rejected: ProposalRejected & { kind: 'proposal.rejected' } = {
  ...approved,
  ...fact('proposal.rejected', 0x103),
  reason: null,
};

const tenantCreated: TenantCreated = { ...fact('tenant.created', 0x201), name: 'acme' };

const rateLimitSet: TenantRateLimitSet = { ...fact('tenant.rate-limit-set', 0x202), perSecond: 100, burst: 100 };

const ingestKey: IngestKeyIssued = {
  ...fact('ingest-key.issued', 0x203),
  keyId: '0194f3a2-7c1e-7a00-8000-00000000ce11',
  keyHash: 'a'.repeat(64),
  keyPrefix: 'dik_7fQ2…',
  previousKeyId: null,
  previousKeyExpiresAt: null,
};

const apiToken: ApiTokenIssued = {
  ...fact('api-token.issued', 0x204),
  tokenId: '0194f3a2-7c1e-7a00-8000-00000000ce12',
  tokenHash: 'b'.repeat(64),
  tokenPrefix: 'dat_Ab3x…',
  actor: 'operator (dop_Qx2…)',
  name: 'deploy bot',
  scopes: ['write'],
  expiresAt: null,
};

const apiTokenRevoked: ApiTokenRevoked = {
  ...fact('api-token.revoked', 0x205),
  actor: 'admin laptop (dat_Zz9k…)',
  tokenId: '0194f3a2-7c1e-7a00-8000-00000000ce12',
  tokenPrefix: 'dat_Ab3x…',
};

const previousKeyRevoked: IngestKeyPreviousRevoked = {
  ...fact('ingest-key.previous-revoked', 0x206),
  actor: 'admin laptop (dat_Zz9k…)',
  keyId: '0194f3a2-7c1e-7a00-8000-00000000ce11',
};

const suspended: TenantSuspended = {
  ...fact('tenant.suspended', 0x207),
  actor: 'operator (dop_Qx2…)',
  reason: 'unpaid',
};
const resumed: TenantResumed = { ...fact('tenant.resumed', 0x208), actor: 'operator (dop_Qx2…)' };
const deleted: TenantDeleted = { ...fact('tenant.deleted', 0x209), actor: 'operator (dop_Qx2…)' };

const ruleSaved: AlertRuleSaved = {
  ...fact('alert-rule.saved', 0x301),
  ruleId: RULE,
  version: 1,
  rule: {
    name: 'disk over 90%',
    kind: 'match',
    enabled: true,
    match: { type: 'check.failed', minSeverity: 'warning', payload: [{ field: 'pct', op: 'gt', value: 90 }] },
    threshold: { count: 5, windowSeconds: 600 },
    groupBy: 'payload.host',
    alert: { severity: 'critical', summary: 'disk on {{payload.host}} at {{payload.pct}}%' },
    resolve: { match: { type: 'check.passed' } },
  },
};

const ruleDeleted: AlertRuleDeleted = { ...fact('alert-rule.deleted', 0x302), ruleId: RULE };

const webhookSaved: WebhookSaved = {
  ...fact('webhook.saved', 0x401),
  webhookId: WEBHOOK,
  version: 1,
  webhook: {
    url: 'https://tickets.example.com/hooks/daalu',
    description: 'critical alerts to the ticket system',
    trigger: { alerts: { minSeverity: 'critical', states: ['fired', 'resolved'] } },
    enabled: true,
  },
  sealedHeaders: { Authorization: SEALED },
};

const secretIssued: WebhookSecretIssued = {
  ...fact('webhook.secret-issued', 0x402),
  webhookId: WEBHOOK,
  secretId: SECRET,
  sealedSecret: SEALED,
  previousSecretId: null,
  previousExpiresAt: null,
};

const secretRevealed: WebhookSecretRevealed = {
  ...fact('webhook.secret-revealed', 0x403),
  webhookId: WEBHOOK,
  secretId: SECRET,
  actor: 'deploy bot (dat_Ab3x…)',
};

const resealed: WebhookResealed = {
  ...fact('webhook.resealed', 0x404),
  id: '2c624232-cdd2-5177-8b4e-1f2a3b4c5d6e',
  webhookId: WEBHOOK,
  sealedHeaders: { Authorization: SEALED },
  secrets: [{ secretId: SECRET, sealedSecret: SEALED }],
};

const webhookDeleted: WebhookDeleted = { ...fact('webhook.deleted', 0x405), webhookId: WEBHOOK };

const delivery: DeliveryRequested = {
  schemaVersion: SCHEMA_VERSION,
  kind: 'delivery.requested',
  id: REQUEST,
  tenantId: TENANT,
  correlationId: fired.correlationId,
  causationId: fired.id,
  deliveryId: REQUEST,
  webhookId: WEBHOOK,
  factKind: fired.kind,
  factId: fired.id,
  fact: fired as unknown as Record<string, unknown>,
  requestedAt: '2026-11-27T14:30:00.200Z',
};

const letter: DeadLetter = {
  schemaVersion: 1,
  kind: 'dead-letter',
  consumer: 'timeline-events',
  stream: 'DAALU_EVENTS',
  streamSequence: 11,
  subject: `daalu.events.${TENANT}`,
  reason: 'could not be applied: invalid byte sequence for encoding "UTF8": 0x00',
  deliveryCount: 1,
  recordedAt: '2026-11-27T14:30:01.000Z',
  headers: {
    'Nats-Msg-Id': [EVENT],
    'Daalu-Kind': ['event.ingested'],
    'Daalu-Schema-Version': ['1'],
    'Daalu-Correlation-Id': [EVENT],
  },
  dataBase64: Buffer.from(JSON.stringify({ ...event, payload: { k: 'v\u0000' } })).toString('base64'),
};

const letterResolved: DeadLetterResolved = {
  schemaVersion: 1,
  kind: 'dead-letter-resolved',
  letterSequence: 3,
  consumer: 'timeline-events',
  action: 'replayed',
  replayedAs: 51877,
  resolvedAt: '2026-12-06T03:20:41.512Z',
};

/** Every message on a Daalu stream. */
export type AnyMessage = EventStreamFact | ConfigFact | DeliveryRequested | DeadLetter | DeadLetterResolved;

export const SAMPLES: { [K in MessageKind]: AnyMessage & { kind: K } } = {
  'event.ingested': event,
  'alert.fired': fired,
  'alert.resolved': resolved,
  'alert.acknowledged': acknowledged,
  'alert.unacknowledged': unacknowledged,
  'alert.unsilenced': unsilenced,
  'silence.created': silenceCreated,
  'silence.expired': silenceExpired,
  'check.paused': checkPaused,
  'check.resumed': checkResumed,
  'proposal.created': created,
  'proposal.approved': approved,
  'proposal.rejected': rejected,
  'tenant.created': tenantCreated,
  'tenant.rate-limit-set': rateLimitSet,
  'ingest-key.issued': ingestKey,
  'api-token.issued': apiToken,
  'api-token.revoked': apiTokenRevoked,
  'ingest-key.previous-revoked': previousKeyRevoked,
  'tenant.suspended': suspended,
  'tenant.resumed': resumed,
  'tenant.deleted': deleted,
  'alert-rule.saved': ruleSaved,
  'alert-rule.deleted': ruleDeleted,
  'webhook.saved': webhookSaved,
  'webhook.secret-issued': secretIssued,
  'webhook.secret-revealed': secretRevealed,
  'webhook.resealed': resealed,
  'webhook.deleted': webhookDeleted,
  'delivery.requested': delivery,
  'dead-letter': letter,
  'dead-letter-resolved': letterResolved,
};

/** The Nats-Msg-Id a sample is published with. */
export function sampleMsgId(kind: MessageKind): string {
  if (kind === 'dead-letter') return `${letter.consumer}:${letter.stream}:${letter.streamSequence}`;
  if (kind === 'dead-letter-resolved') return `resolved:${letterResolved.letterSequence}`;
  return (SAMPLES[kind] as { id: string }).id;
}
