import { severityRank, type Severity, type WebhookTrigger } from '@daalu/contracts';
import { PayloadConditions } from '@daalu/shared/conditions';
import { compileGlob, globProblem } from '@daalu/shared/text';

/** The facts a webhook can fire on, as far as its trigger looks at them. */
export type TriggeringFact =
  | {
      kind: 'event.ingested';
      type: string;
      module: string;
      source: string;
      severity: Severity;
      /** The event's payload, for `events.payload` conditions (absent: no condition holds). */
      payload?: unknown;
    }
  | { kind: 'alert.fired' | 'alert.resolved' | 'alert.acknowledged' | 'alert.unacknowledged'; severity: Severity }
  | { kind: 'proposal.created' | 'proposal.approved' | 'proposal.rejected'; proposalKind: string };

/** The trigger state (`alerts.states`) each alert fact is. */
const ALERT_STATES = {
  'alert.fired': 'fired',
  'alert.resolved': 'resolved',
  'alert.acknowledged': 'acknowledged',
} as const;

/** A webhook's trigger, compiled once per webhook version (the fan-out checks it against every fact). */
export interface CompiledTrigger {
  fires(fact: TriggeringFact): boolean;
}

/**
 * An event type glob (`deploy.*`) as a test of a type, with the shared matcher that never backtracks. A
 * pattern the matcher refuses (saved before patterns were bounded: over 200 characters or 8 `*`)
 * matches nothing rather than throwing: a throw here would stop the fan-out for every tenant.
 * Webhooks refuse such patterns when saved (`globProblem`).
 */
function typeTest(pattern: string): (type: string) => boolean {
  if (!pattern.includes('*')) return (type) => pattern === type;
  if (globProblem(pattern)) return () => false;
  const glob = compileGlob(pattern);
  return (type) => glob.matches(type);
}

/**
 * Compiles a trigger: its type glob, and its payload conditions with the matcher alert rules use
 * (`@daalu/shared/conditions`; all must hold). Never throws on any fact: a payload that is not an
 * object, or lacks a condition's path, simply does not match.
 */
export function compileTrigger(trigger: WebhookTrigger): CompiledTrigger {
  const events = trigger.events;
  const type = events?.type !== undefined ? typeTest(events.type) : null;
  const payload = new PayloadConditions(events?.payload);
  const minEvent = events?.minSeverity !== undefined ? severityRank(events.minSeverity) : null;
  const alerts = trigger.alerts;
  const minAlert = alerts?.minSeverity !== undefined ? severityRank(alerts.minSeverity) : null;
  const proposals = trigger.proposals;
  return {
    fires(fact) {
      switch (fact.kind) {
        case 'event.ingested': {
          if (!events) return false;
          if (type && !type(fact.type)) return false;
          if (events.module !== undefined && events.module !== fact.module) return false;
          if (events.source !== undefined && events.source !== fact.source) return false;
          if (minEvent !== null && severityRank(fact.severity) < minEvent) return false;
          return payload.matches(fact.payload);
        }
        case 'alert.fired':
        case 'alert.resolved':
        case 'alert.acknowledged':
        case 'alert.unacknowledged': {
          // An acknowledgement taken back is no state a trigger selects: nothing to tell a receiver.
          if (!alerts || fact.kind === 'alert.unacknowledged') return false;
          if (!alerts.states.includes(ALERT_STATES[fact.kind])) return false;
          return minAlert === null || severityRank(fact.severity) >= minAlert;
        }
        default: {
          if (!proposals) return false;
          const state = fact.kind.slice('proposal.'.length) as 'created' | 'approved' | 'rejected';
          if (!proposals.states.includes(state)) return false;
          return proposals.kinds === undefined || proposals.kinds.includes(fact.proposalKind);
        }
      }
    },
  };
}

/**
 * Whether a webhook's trigger fires on a fact (`events: {}` fires on every event). Compiles the trigger
 * for this one call: the fan-out keeps each webhook's compiled trigger instead (`compileTrigger`).
 */
export function triggerFires(trigger: WebhookTrigger, fact: TriggeringFact): boolean {
  return compileTrigger(trigger).fires(fact);
}
