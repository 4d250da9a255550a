import type { Severity } from '@daalu/contracts';
import { valueAt } from '@daalu/shared/conditions';

/** The value at a dotted path inside a payload: the shared matcher's own (re-exported for the evaluator). */
export { valueAt };

/** What rules look at in an event. */
export interface EventView {
  type: string;
  module: string;
  source: string;
  severity: Severity;
  summary: string;
  payload: Record<string, unknown>;
}

/** A field of an event named as rules name it: `type`, `module`, `source`, `severity`, `summary` or `payload.<path>`. */
export function fieldOf(event: EventView, field: string): unknown {
  if (field.startsWith('payload.')) return valueAt(event.payload, field.slice('payload.'.length).split('.'));
  if (field === 'type' || field === 'module' || field === 'source' || field === 'severity' || field === 'summary') {
    return event[field];
  }
  return undefined;
}
