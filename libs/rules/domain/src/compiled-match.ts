import { severityRank, type MatchSpec, type PayloadConditionSpec } from '@daalu/contracts';
import { compileStoredGlob, type Glob } from '@daalu/shared/text';
import { valueAt, type EventView } from './event-view';

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
 * paths split in advance. `evaluate` stops at the first
 * condition that fails and says which.
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

const OP_WORDS: Record<PayloadConditionSpec['op'], string> = {
  eq: '=',
  neq: '!=',
  in: 'in',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  exists: 'exists',
};

function payloadCheck(spec: PayloadConditionSpec): Check {
  const path = spec.field.replace(/^payload\./, '').split('.');
  const name = `payload.${path.join('.')}`;
  const condition =
    spec.op === 'exists' ? `${name} exists` : `${name} ${OP_WORDS[spec.op]} ${JSON.stringify(spec.value)}`;
  const expected = spec.value;
  const holds = (actual: unknown): boolean => {
    switch (spec.op) {
      case 'exists':
        return actual !== undefined && actual !== null;
      case 'eq':
        return sameScalar(actual, expected);
      case 'neq':
        return actual !== undefined && !sameScalar(actual, expected);
      case 'in':
        return Array.isArray(expected) && expected.some((one) => sameScalar(actual, one));
      default: {
        const number = toNumber(actual);
        const limit = toNumber(expected);
        if (number === undefined || limit === undefined) return false;
        if (spec.op === 'gt') return number > limit;
        if (spec.op === 'gte') return number >= limit;
        if (spec.op === 'lt') return number < limit;
        return number <= limit;
      }
    }
  };
  return {
    condition,
    test: (event) => {
      const actual = valueAt(event.payload, path);
      if (holds(actual)) return null;
      return actual === undefined ? `${name} is absent` : `${name} is ${JSON.stringify(actual)}`;
    },
  };
}

/** JSON's number grammar: `"93"` is a number in text, `"0x10"` and `" 9"` are not. */
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** Equal as JSON scalars, with a number and its decimal text counting as the same (`"93"` = 93). */
function sameScalar(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (typeof actual === 'number' && typeof expected === 'string') return toNumber(expected) === actual;
  if (typeof actual === 'string' && typeof expected === 'number') return toNumber(actual) === expected;
  return false;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && JSON_NUMBER.test(value)) return Number(value);
  return undefined;
}
