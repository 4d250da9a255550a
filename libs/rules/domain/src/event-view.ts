import type { Severity } from '@daalu/contracts';

/** What rules look at in an event. */
export interface EventView {
  type: string;
  module: string;
  source: string;
  severity: Severity;
  summary: string;
  payload: Record<string, unknown>;
}

/** The value at a dotted path inside an object (`disk.pct`), or undefined. Own properties only. */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A field of an event named as rules name it: `type`, `module`, `source`, `severity`, `summary` or `payload.<path>`. */
export function fieldOf(event: EventView, field: string): unknown {
  if (field.startsWith('payload.')) return valueAt(event.payload, field.slice('payload.'.length).split('.'));
  if (field === 'type' || field === 'module' || field === 'source' || field === 'severity' || field === 'summary') {
    return event[field];
  }
  return undefined;
}
