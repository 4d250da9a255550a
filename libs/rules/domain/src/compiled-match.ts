import { severityRank, type MatchSpec, type PayloadConditionSpec } from '@daalu/contracts';
import { compilePayloadCondition } from '@daalu/shared/conditions';
import { compileStoredGlob, type Glob } from '@daalu/shared/text';
import type { EventView } from './event-view';

/** Why an event did or did not match: the condition that decided it, in words. */
export type MatchOutcome = { matched: true } | { matched: false; condition: string; reason: string };

const MATCHED: MatchOutcome = { matched: true };

interface Check {
  condition: string;
  test(event: EventView): string | null; // null: holds; else why not
}

/**
 * A match spec turned into checks once (rules are evaluated against every event of their tenant): the
 * type glob compiled once (the shared matcher, linear, never a backtracking regular expression), payload
 * conditions compiled once by the shared payload-condition matcher (`@daalu/shared/conditions`, the one
 * outbound webhook triggers use too). `evaluate` stops at the first condition that fails and says which.
 */
export class CompiledMatch {
  private readonly checks: Check[];

  constructor(spec: MatchSpec) {
    this.checks = [];
    if (spec.type !== undefined) this.checks.push(typeCheck(spec.type));
    if (spec.module !== undefined) this.checks.push(equalsCheck('module', spec.module));
    if (spec.source !== undefined) this.checks.push(equalsCheck('source', spec.source));
    if (spec.minSeverity !== undefined) {
      const min = severityRank(spec.minSeverity);
      const label = `minSeverity ${spec.minSeverity}`;
      this.checks.push({
        condition: label,
        test: (event) =>
          severityRank(event.severity) >= min ? null : `severity ${event.severity} is below ${spec.minSeverity}`,
      });
    }
    for (const condition of spec.payload ?? []) this.checks.push(payloadCheck(condition));
  }

  evaluate(event: EventView): MatchOutcome {
    for (const check of this.checks) {
      const reason = check.test(event);
      if (reason !== null) return { matched: false, condition: check.condition, reason };
    }
    return MATCHED;
  }

  matches(event: EventView): boolean {
    for (const check of this.checks) if (check.test(event) !== null) return false;
    return true;
  }
}

function typeCheck(pattern: string): Check {
  const condition = `type ${pattern}`;
  if (!pattern.includes('*')) {
    return { condition, test: (event) => (event.type === pattern ? null : `type ${event.type} is not ${pattern}`) };
  }
  const glob = typeGlob(pattern);
  return {
    condition,
    test: (event) => (glob.matches(event.type) ? null : `type ${event.type} does not match ${pattern}`),
  };
}

/**
 * A type glob as rules match it: `*` is any run of characters, everything else literal (`deploy.*`).
 * Patterns are checked with `globProblem` when saved; one read back from the log is compiled as it is,
 * so a rule saved before the limits keeps matching what it matched.
 */
export function typeGlob(pattern: string): Glob {
  return compileStoredGlob(pattern);
}

function equalsCheck(field: 'module' | 'source', expected: string): Check {
  return {
    condition: `${field} ${expected}`,
    test: (event) => (event[field] === expected ? null : `${field} ${event[field]} is not ${expected}`),
  };
}

function payloadCheck(spec: PayloadConditionSpec): Check {
  const compiled = compilePayloadCondition(spec);
  return { condition: compiled.condition, test: (event) => compiled.miss(event.payload) };
}
