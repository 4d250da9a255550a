import { severityRank, type Severity, type WebhookTrigger } from '@daalu/contracts';

/** The facts a webhook can fire on, as far as its trigger looks at them. */
export type TriggeringFact =
  | { kind: 'event.ingested'; type: string; module: string; source: string; severity: Severity }
  | { kind: 'alert.fired' | 'alert.resolved'; severity: Severity }
  | { kind: 'proposal.created' | 'proposal.approved' | 'proposal.rejected'; proposalKind: string };

const GLOBS = new Map<string, RegExp>();

function globMatches(glob: string, value: string): boolean {
  if (!glob.includes('*')) return glob === value;
  let regex = GLOBS.get(glob);
  if (!regex) {
    const escaped = glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    GLOBS.set(glob, (regex = new RegExp(`^${escaped}$`)));
  }
  return regex.test(value);
}

/** Whether a webhook's trigger fires on a fact (`events: {}` fires on every event). */
export function triggerFires(trigger: WebhookTrigger, fact: TriggeringFact): boolean {
  switch (fact.kind) {
    case 'event.ingested': {
      const events = trigger.events;
      if (!events) return false;
      if (events.type !== undefined && !globMatches(events.type, fact.type)) return false;
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
