import { HEADER_KIND } from '../headers';
import type { MessageCodec } from '../envelope';
import { AlertRuleDeletedCodec, AlertRuleSavedCodec, type AlertRuleDeleted, type AlertRuleSaved } from './alert-rule';
import {
  ApiTokenIssuedCodec,
  ApiTokenRevokedCodec,
  type ApiTokenIssued,
  type ApiTokenRevoked,
} from './api-token-issued';
import {
  WebhookDeletedCodec,
  WebhookResealedCodec,
  WebhookSavedCodec,
  WebhookSecretIssuedCodec,
  WebhookSecretRevealedCodec,
  type WebhookDeleted,
  type WebhookResealed,
  type WebhookSaved,
  type WebhookSecretIssued,
  type WebhookSecretRevealed,
} from './webhook';
import {
  IngestKeyIssuedCodec,
  IngestKeyPreviousRevokedCodec,
  type IngestKeyIssued,
  type IngestKeyPreviousRevoked,
} from './ingest-key-issued';
import { TenantCreatedCodec, type TenantCreated } from './tenant-created';
import { TenantRateLimitSetCodec, type TenantRateLimitSet } from './tenant-rate-limit-set';
import {
  TenantDeletedCodec,
  TenantResumedCodec,
  TenantSuspendedCodec,
  type TenantDeleted,
  type TenantResumed,
  type TenantSuspended,
} from './tenant-lifecycle';

/** Every message kind on the CONFIG stream. */
export type ConfigFact =
  | TenantCreated
  | TenantRateLimitSet
  | TenantSuspended
  | TenantResumed
  | TenantDeleted
  | IngestKeyIssued
  | IngestKeyPreviousRevoked
  | ApiTokenIssued
  | ApiTokenRevoked
  | AlertRuleSaved
  | AlertRuleDeleted
  | WebhookSaved
  | WebhookSecretIssued
  | WebhookSecretRevealed
  | WebhookResealed
  | WebhookDeleted;

const CONFIG_CODECS: Record<ConfigFact['kind'], MessageCodec<ConfigFact>> = {
  'tenant.created': TenantCreatedCodec as MessageCodec<ConfigFact>,
  'tenant.rate-limit-set': TenantRateLimitSetCodec as MessageCodec<ConfigFact>,
  'tenant.suspended': TenantSuspendedCodec as MessageCodec<ConfigFact>,
  'tenant.resumed': TenantResumedCodec as MessageCodec<ConfigFact>,
  'tenant.deleted': TenantDeletedCodec as MessageCodec<ConfigFact>,
  'ingest-key.issued': IngestKeyIssuedCodec as MessageCodec<ConfigFact>,
  'ingest-key.previous-revoked': IngestKeyPreviousRevokedCodec as MessageCodec<ConfigFact>,
  'api-token.issued': ApiTokenIssuedCodec as MessageCodec<ConfigFact>,
  'api-token.revoked': ApiTokenRevokedCodec as MessageCodec<ConfigFact>,
  'alert-rule.saved': AlertRuleSavedCodec as MessageCodec<ConfigFact>,
  'alert-rule.deleted': AlertRuleDeletedCodec as MessageCodec<ConfigFact>,
  'webhook.saved': WebhookSavedCodec as MessageCodec<ConfigFact>,
  'webhook.secret-issued': WebhookSecretIssuedCodec as MessageCodec<ConfigFact>,
  'webhook.secret-revealed': WebhookSecretRevealedCodec as MessageCodec<ConfigFact>,
  'webhook.resealed': WebhookResealedCodec as MessageCodec<ConfigFact>,
  'webhook.deleted': WebhookDeletedCodec as MessageCodec<ConfigFact>,
};

/**
 * Decodes a CONFIG stream message by its Daalu-Kind header. Returns null for a kind this version does
 * not know (a newer app wrote it): consumers skip those rather than fail.
 */
export function decodeConfigFact(
  headers: { get(key: string): string } | undefined,
  data: Uint8Array,
): ConfigFact | null {
  const kind = headers?.get(HEADER_KIND) as ConfigFact['kind'] | undefined;
  const codec = kind ? CONFIG_CODECS[kind] : undefined;
  return codec ? codec.decode(data) : null;
}

export function configCodecFor<K extends ConfigFact['kind']>(kind: K): MessageCodec<Extract<ConfigFact, { kind: K }>> {
  return CONFIG_CODECS[kind] as MessageCodec<Extract<ConfigFact, { kind: K }>>;
}
