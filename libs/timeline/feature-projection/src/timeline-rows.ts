import type { EventStreamFact } from '@daalu/contracts';
import type { TimelineRow } from '@daalu/timeline/data-access';

/** Every kind of fact the timeline shows. */
export type TimelineFact = EventStreamFact;

/** The timeline row of a fact at a log position. Alerts are shown as entries of their own kind. */
export function timelineRowOf(fact: TimelineFact, streamSeq: number): TimelineRow {
  switch (fact.kind) {
    case 'event.ingested':
      return {
        tenantId: fact.tenantId,
        recordedAt: fact.receivedAt,
        id: fact.id,
        kind: 'event',
        type: fact.type,
        module: fact.module,
        source: fact.source,
        summary: fact.summary,
        severity: fact.severity,
        payload: fact.payload,
        refId: null,
        correlationId: fact.correlationId,
        streamSeq,
      };
    case 'alert.fired':
      return {
        tenantId: fact.tenantId,
        recordedAt: fact.firedAt,
        id: fact.id,
        kind: 'alert.fired',
        type: 'alert.fired',
        module: 'daalu',
        source: 'rule-evaluator',
        summary: fact.summary,
        severity: fact.severity,
        payload: {
          alertId: fact.alertId,
          ruleId: fact.ruleId,
          ruleName: fact.ruleName,
          groupKey: fact.groupKey,
          eventIds: fact.eventIds,
          context: fact.context,
          ...(fact.silencedBy ? { silencedBy: fact.silencedBy } : {}),
        },
        refId: fact.alertId,
        correlationId: fact.correlationId,
        streamSeq,
      };
    case 'alert.resolved':
      return {
        tenantId: fact.tenantId,
        recordedAt: fact.resolvedAt,
        id: fact.id,
        kind: 'alert.resolved',
        type: 'alert.resolved',
        module: 'daalu',
        source: 'rule-evaluator',
        summary: `resolved: ${fact.summary}`,
        severity: fact.severity,
        payload: {
          alertId: fact.alertId,
          ruleId: fact.ruleId,
          ruleName: fact.ruleName,
          groupKey: fact.groupKey,
          reason: fact.reason,
          resolvingEventId: fact.resolvingEventId,
          count: fact.count,
          ...(fact.actor ? { actor: fact.actor, note: fact.note ?? null } : {}),
        },
        refId: fact.alertId,
        correlationId: fact.correlationId,
        streamSeq,
      };
    case 'alert.acknowledged':
    case 'alert.unacknowledged': {
      const acknowledged = fact.kind === 'alert.acknowledged';
      return {
        tenantId: fact.tenantId,
        recordedAt: acknowledged ? fact.acknowledgedAt : fact.unacknowledgedAt,
        id: fact.id,
        kind: fact.kind,
        type: fact.kind,
        module: 'daalu',
        source: 'alerts',
        summary: `${acknowledged ? 'acknowledged' : 'unacknowledged'} by ${fact.actor}: ${fact.summary}`,
        severity: fact.severity,
        payload: {
          alertId: fact.alertId,
          ruleId: fact.ruleId,
          ruleName: fact.ruleName,
          groupKey: fact.groupKey,
          actor: fact.actor,
          ...(acknowledged ? { note: fact.note } : {}),
        },
        refId: fact.alertId,
        correlationId: fact.correlationId,
        streamSeq,
      };
    }
    case 'alert.unsilenced':
      return {
        tenantId: fact.tenantId,
        recordedAt: fact.unsilencedAt,
        id: fact.id,
        kind: fact.kind,
        type: fact.kind,
        module: 'daalu',
        source: 'rule-evaluator',
        summary: `silence over, still firing: ${fact.summary}`,
        severity: fact.severity,
        payload: {
          alertId: fact.alertId,
          ruleId: fact.ruleId,
          ruleName: fact.ruleName,
          groupKey: fact.groupKey,
          silenceId: fact.silenceId,
        },
        refId: fact.alertId,
        correlationId: fact.correlationId,
        streamSeq,
      };
    case 'silence.created':
    case 'silence.expired': {
      const created = fact.kind === 'silence.created';
      return {
        tenantId: fact.tenantId,
        recordedAt: fact.occurredAt,
        id: fact.id,
        kind: fact.kind,
        type: fact.kind,
        module: 'daalu',
        source: 'alerts',
        summary: created
          ? `silence by ${fact.actor} until ${fact.endsAt}${fact.comment ? `: ${fact.comment}` : ''}`
          : `silence ended early by ${fact.actor}`,
        severity: 'info',
        payload: created
          ? { silenceId: fact.silenceId, matchers: fact.matchers, startsAt: fact.startsAt, endsAt: fact.endsAt }
          : { silenceId: fact.silenceId },
        refId: fact.silenceId,
        correlationId: fact.correlationId,
        streamSeq,
      };
    }
    case 'check.paused':
    case 'check.resumed':
      return {
        tenantId: fact.tenantId,
        recordedAt: fact.occurredAt,
        id: fact.id,
        kind: fact.kind,
        type: fact.kind,
        module: 'daalu',
        source: 'alerts',
        summary: `heartbeat check ${fact.ruleName} ${fact.kind === 'check.paused' ? 'paused' : 'resumed'} by ${fact.actor}`,
        severity: 'info',
        payload: { ruleId: fact.ruleId, ruleName: fact.ruleName },
        refId: fact.ruleId,
        correlationId: fact.correlationId,
        streamSeq,
      };
    case 'proposal.created':
    case 'proposal.approved':
    case 'proposal.rejected': {
      const decided = fact.kind !== 'proposal.created';
      return {
        tenantId: fact.tenantId,
        recordedAt: fact.occurredAt,
        id: fact.id,
        kind: fact.kind,
        type: fact.kind,
        module: 'daalu',
        source: 'proposals',
        summary: decided ? `${fact.kind === 'proposal.approved' ? 'approved' : 'rejected'}: ${fact.title}` : fact.title,
        severity: 'info',
        payload: {
          proposalId: fact.proposalId,
          proposalKind: fact.proposalKind,
          actor: fact.actor,
          ...(fact.kind === 'proposal.created' ? { payload: fact.payload } : { reason: fact.reason }),
        },
        refId: fact.proposalId,
        correlationId: fact.correlationId,
        streamSeq,
      };
    }
  }
}
