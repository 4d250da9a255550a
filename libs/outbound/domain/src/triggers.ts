import { severityRank, type Severity, type WebhookTrigger } from '@daalu/contracts';
import { globMatches } from '@daalu/shared/text';

/** The facts a webhook can fire on, as far as its trigger looks at them. */
export type TriggeringFact =
  | { kind: 'event.ingested'; type: string; module: string; source: string; severity: Severity }
  | { kind: 'alert.fired' | 'alert.resolved'; severity: Severity }
  | { kind: 'proposal.created' | 'proposal.approved' | 'proposal.rejected'; proposalKind: string };

/**
 * An event type glob (`deploy.*`) against a type, with the shared matcher that never backtracks. A
 * pattern the matcher refuses (saved before patterns were bounded: over 200 characters or 8 `*`)
 * matches nothing rather than throwing: a throw here would stop the fan-out for every tenant.
 * Webhooks refuse such patterns when saved (`globProblem`).
 */
function typeMatches(pattern: string, type: string): boolean {
  if (!pattern.includes('*')) return pattern === type;
  try {
    return globMatches(pattern, type);
  } catch (error) {
    if (error instanceof RangeError) return false; // refused by globProblem
    throw error;
  }
}

/** Whether a webhook's trigger fires on a fact (`events: {}` fires on every event). */
export function triggerFires(trigger: WebhookTrigger, fact: TriggeringFact): boolean {
  switch (fact.kind) {
    case 'event.ingested': {
      const events = trigger.events;
      if (!events) return false;
      if (events.type !== undefined && !typeMatches(events.type, fact.type)) return false;
      if (events.module !== undefined && events.module !== fact.module) return false;
      if (events.source !== undefined && events.source !== fact.source) return false;
      return events.minSeverity === undefined || severityRank(fact.severity) >= severityRank(events.minSeverity);
    }
    case 'alert.fired':
    case 'alert.resolved': {
      const alerts = trigger.alerts;
      if (!alerts) return false;
      if (!alerts.states.includes(fact.kind === 'alert.fired' ? 'fired' : 'resolved')) return false;
      return alerts.minSeverity === undefined || severityRank(fact.severity) >= severityRank(alerts.minSeverity);
    }
    default: {
      const proposals = trigger.proposals;
      if (!proposals) return false;
      const state = fact.kind.slice('proposal.'.length) as 'created' | 'approved' | 'rejected';
      if (!proposals.states.includes(state)) return false;
      return proposals.kinds === undefined || proposals.kinds.includes(fact.proposalKind);
    }
  }
}
