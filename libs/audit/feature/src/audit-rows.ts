import {
  apiTokenGrantOf,
  occurredAtOf,
  type AlertAcknowledged,
  type AlertResolved,
  type AlertUnacknowledged,
  type ConfigFact,
  type ProposalFact,
  type SilenceFact,
  type CheckFact,
} from '@daalu/contracts';
import type { AuditRow } from '@daalu/audit/data-access';

/** A fact the audit log records (tenant.deleted is not one: it erases the tenant's entries). */
export type AuditedFact =
  | Exclude<ConfigFact, { kind: 'tenant.deleted' }>
  | ProposalFact
  | AlertAcknowledged
  | AlertUnacknowledged
  | AlertResolved
  | SilenceFact
  | CheckFact;

/**
 * The entry a fact makes: its action, who did it, what it is about and a few plain details. Never a
 * secret, a hash or a sealed value: only fields picked here reach `details`. Pure, so a replay of the
 * log makes the same rows (a target's name a fact lacks is filled in by the projection).
 */
export function auditRowOf(fact: AuditedFact, stream: string, seq: number): AuditRow {
  const base = {
    id: fact.id,
    tenantId: fact.tenantId,
    // Alert facts name their own time (firedAt, acknowledgedAt…); the others say occurredAt.
    occurredAt: 'occurredAt' in fact ? fact.occurredAt : occurredAtOf(fact),
    actor: ('actor' in fact && typeof fact.actor === 'string' ? fact.actor : null) as string | null,
    stream,
    seq,
  };
  switch (fact.kind) {
    case 'tenant.created':
      return { ...base, ...tenant(fact.tenantId, fact.name), action: 'tenant.created', details: {} };
    case 'tenant.rate-limit-set':
      return {
        ...base,
        ...tenant(fact.tenantId),
        action: 'tenant.rate-limit-set',
        details: { perSecond: fact.perSecond, burst: fact.burst },
      };
    case 'tenant.suspended':
      return { ...base, ...tenant(fact.tenantId), action: 'tenant.suspended', details: { reason: fact.reason } };
    case 'tenant.resumed':
      return { ...base, ...tenant(fact.tenantId), action: 'tenant.resumed', details: {} };
    case 'ingest-key.issued': {
      const target = { targetType: 'ingest-key' as const, targetId: fact.keyId, targetName: fact.keyPrefix };
      if (fact.previousKeyId === null) {
        return { ...base, ...target, action: 'ingest-key.issued', details: { prefix: fact.keyPrefix } };
      }
      const immediate =
        fact.previousKeyExpiresAt !== null && Date.parse(fact.previousKeyExpiresAt) <= Date.parse(fact.occurredAt);
      return {
        ...base,
        ...target,
        action: 'ingest-key.rotated',
        details: {
          prefix: fact.keyPrefix,
          previousKeyId: fact.previousKeyId,
          previousKeyExpiresAt: fact.previousKeyExpiresAt,
          // No grace period: the previous key was refused from the rotation on (a leaked key).
          previousKeyRevokedImmediately: immediate,
        },
      };
    }
    case 'ingest-key.previous-revoked':
      return {
        ...base,
        targetType: 'ingest-key',
        targetId: fact.keyId,
        targetName: null,
        action: 'ingest-key.previous-revoked',
        details: {},
      };
    case 'api-token.issued': {
      const { name, scopes } = apiTokenGrantOf(fact);
      return {
        ...base,
        targetType: 'api-token',
        targetId: fact.tokenId,
        targetName: name,
        action: 'api-token.issued',
        details: {
          name,
          prefix: fact.tokenPrefix,
          scopes,
          expiresAt: fact.expiresAt ?? null,
        },
      };
    }
    case 'api-token.revoked':
      return {
        ...base,
        targetType: 'api-token',
        targetId: fact.tokenId,
        targetName: null,
        action: 'api-token.revoked',
        details: { prefix: fact.tokenPrefix },
      };
    case 'alert-rule.saved':
      return {
        ...base,
        targetType: 'alert-rule',
        targetId: fact.ruleId,
        targetName: fact.rule.name,
        action: fact.version === 1 ? 'alert-rule.created' : 'alert-rule.updated',
        details: { version: fact.version, kind: fact.rule.kind, enabled: fact.rule.enabled },
      };
    case 'alert-rule.deleted':
      return {
        ...base,
        targetType: 'alert-rule',
        targetId: fact.ruleId,
        targetName: null,
        action: 'alert-rule.deleted',
        details: {},
      };
    case 'webhook.saved': {
      const target = {
        targetType: 'webhook' as const,
        targetId: fact.webhookId,
        targetName: webhookName(fact.webhook),
      };
      const spec = fact.webhook;
      if (fact.version > 1 && spec.enabled === false && spec.disabledReason) {
        // Daalu disabled it on its own (its receiver failing for days, or 410 Gone).
        return {
          ...base,
          ...target,
          action: 'webhook.disabled',
          details: { version: fact.version, reason: spec.disabledReason },
        };
      }
      return {
        ...base,
        ...target,
        action: fact.version === 1 ? 'webhook.created' : 'webhook.updated',
        // Header names only: their values are sealed and never leave the log.
        details: { version: fact.version, enabled: spec.enabled, headers: Object.keys(fact.sealedHeaders).sort() },
      };
    }
    case 'webhook.secret-issued':
      return {
        ...base,
        targetType: 'webhook',
        targetId: fact.webhookId,
        targetName: null,
        action: fact.previousSecretId === null ? 'webhook.secret-issued' : 'webhook.secret-rotated',
        details:
          fact.previousSecretId === null
            ? { secretId: fact.secretId }
            : {
                secretId: fact.secretId,
                previousSecretId: fact.previousSecretId,
                previousExpiresAt: fact.previousExpiresAt,
              },
      };
    case 'webhook.secret-revealed':
      return {
        ...base,
        targetType: 'webhook',
        targetId: fact.webhookId,
        targetName: null,
        action: 'webhook.secret-revealed',
        details: { secretId: fact.secretId },
      };
    case 'webhook.resealed':
      return {
        ...base,
        targetType: 'webhook',
        targetId: fact.webhookId,
        targetName: null,
        action: 'webhook.resealed',
        details: {
          headers: fact.sealedHeaders ? Object.keys(fact.sealedHeaders).sort() : [],
          secretIds: fact.secrets.map((secret) => secret.secretId),
        },
      };
    case 'webhook.deleted':
      return {
        ...base,
        targetType: 'webhook',
        targetId: fact.webhookId,
        targetName: null,
        action: 'webhook.deleted',
        details: {},
      };
    case 'alert.acknowledged':
      return {
        ...base,
        ...alert(fact),
        action: 'alert.acknowledged',
        details: { note: fact.note, severity: fact.severity },
      };
    case 'alert.unacknowledged':
      return { ...base, ...alert(fact), action: 'alert.unacknowledged', details: { severity: fact.severity } };
    case 'alert.resolved':
      return {
        ...base,
        ...alert(fact),
        action: 'alert.resolved',
        details: { reason: fact.reason, note: fact.note ?? null, severity: fact.severity },
      };
    case 'silence.created':
      return {
        ...base,
        targetType: 'silence',
        targetId: fact.silenceId,
        targetName: fact.comment === '' ? null : fact.comment.slice(0, 500),
        action: 'silence.created',
        details: { matchers: fact.matchers, startsAt: fact.startsAt, endsAt: fact.endsAt },
      };
    case 'silence.expired':
      return {
        ...base,
        targetType: 'silence',
        targetId: fact.silenceId,
        targetName: null,
        action: 'silence.expired',
        details: {},
      };
    case 'check.paused':
    case 'check.resumed':
      return { ...base, targetType: 'check', targetId: fact.ruleId, targetName: fact.ruleName, action: fact.kind, details: {} };
    case 'proposal.created':
      return { ...base, ...proposal(fact), action: 'proposal.created', details: { proposalKind: fact.proposalKind } };
    case 'proposal.approved':
      return { ...base, ...proposal(fact), action: 'proposal.approved', details: { proposalKind: fact.proposalKind } };
    case 'proposal.rejected':
      return {
        ...base,
        ...proposal(fact),
        action: 'proposal.rejected',
        details: { proposalKind: fact.proposalKind, reason: fact.reason },
      };
  }
}

function alert(fact: AlertAcknowledged | AlertUnacknowledged | AlertResolved) {
  const name = fact.groupKey === '' ? fact.ruleName : `${fact.ruleName} (${fact.groupKey})`;
  return { targetType: 'alert' as const, targetId: fact.alertId, targetName: name.slice(0, 500) };
}

function tenant(tenantId: string, name: string | null = null) {
  return { targetType: 'tenant' as const, targetId: tenantId, targetName: name };
}

function proposal(fact: ProposalFact) {
  return { targetType: 'proposal' as const, targetId: fact.proposalId, targetName: fact.title };
}

/** A webhook's description, else its URL without what may be a credential (user info, query, fragment). */
export function webhookName(spec: { url: string; description: string }): string {
  if (spec.description.trim() !== '') return spec.description;
  try {
    const url = new URL(spec.url);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return spec.url.replace(/[?#].*$/, '');
  }
}
