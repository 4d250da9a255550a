import type { PayloadConditionSpec, PayloadOp } from '@daalu/contracts';

/**
 * The one matcher of payload conditions (`{field: "payload.env", op: "eq", value: "prod"}`): alert rules
 * (`CompiledMatch`, libs/rules/domain) and outbound webhook triggers (`compileTrigger`, libs/outbound/domain)
 * both judge a payload with it, so a condition means the same wherever it is written (docs/rules.md,
 * Conditions). A condition is compiled once (path split, limit read) and then judged against any value
 * at all: a payload that is not an object, deep, huge, or holding a NUL simply does not have the path, or
 * does not hold; nothing here throws on a payload (a throw would stop a fan-out or an evaluation batch for
 * every tenant).
 */

/** How each operator reads in a condition's words (`payload.pct > 90`). */
export const OP_WORDS: Record<PayloadOp, string> = {
  eq: '=',
  neq: '!=',
  in: 'in',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  exists: 'exists',
};

/** The value at a dotted path inside an object (`disk.pct`), or undefined. Own properties only; arrays are not entered. */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** JSON's number grammar: `"93"` is a number in text, `"0x10"` and `" 9"` are not. */
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** Equal as JSON scalars, with a number and its decimal text counting as the same (`"93"` = 93). */
export function sameScalar(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (typeof actual === 'number' && typeof expected === 'string') return toNumber(expected) === actual;
  if (typeof actual === 'string' && typeof expected === 'number') return toNumber(actual) === expected;
  return false;
}

/** A finite number, or a string in JSON's number grammar read as one; else undefined. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && JSON_NUMBER.test(value)) return Number(value);
  return undefined;
}

/** A payload path as a condition names it (`pct`, `payload.disk.pct`), split into keys. */
export function payloadPath(field: string): string[] {
  return field.replace(/^payload\./, '').split('.');
}

/** One condition, compiled. */
export interface CompiledPayloadCondition {
  /** The condition in words: `payload.pct > 90`, `payload.region exists`. */
  readonly condition: string;
  /** Whether it holds on this payload (any value at all; never throws). */
  holds(payload: unknown): boolean;
  /** null when it holds, else why not: `payload.pct is 85`, `payload.region is absent`. */
  miss(payload: unknown): string | null;
}

export function compilePayloadCondition(spec: PayloadConditionSpec): CompiledPayloadCondition {
  const path = payloadPath(spec.field);
  const name = `payload.${path.join('.')}`;
  const condition = spec.op === 'exists' ? `${name} exists` : `${name} ${OP_WORDS[spec.op]} ${describe(spec.value)}`;
  const holdsOn = holdsFor(spec);
  return {
    condition,
    holds: (payload) => holdsOn(valueAt(payload, path)),
    miss(payload) {
      const actual = valueAt(payload, path);
      if (holdsOn(actual)) return null;
      return actual === undefined ? `${name} is absent` : `${name} is ${describe(actual)}`;
    },
  };
}

/** The test of a value found at the path, with what does not change per value read in advance. */
function holdsFor(spec: PayloadConditionSpec): (actual: unknown) => boolean {
  const expected = spec.value;
  switch (spec.op) {
    case 'exists':
      return (actual) => actual !== undefined && actual !== null;
    case 'eq':
      return (actual) => sameScalar(actual, expected);
    case 'neq':
      return (actual) => actual !== undefined && !sameScalar(actual, expected);
    case 'in': {
      const options: readonly unknown[] = Array.isArray(expected) ? expected : [];
      return (actual) => options.some((one) => sameScalar(actual, one));
    }
    default: {
      const limit = toNumber(expected);
      if (limit === undefined) return () => false;
      const op = spec.op;
      return (actual) => {
        const number = toNumber(actual);
        if (number === undefined) return false;
        if (op === 'gt') return number > limit;
        if (op === 'gte') return number >= limit;
        if (op === 'lt') return number < limit;
        return number <= limit;
      };
    }
  }
}

/** A value as JSON, for a condition's words; one JSON cannot write (too deep for the stack) says so. */
function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return 'a value too deep to show';
  }
}

/** Conditions that must all hold (an empty list always holds), compiled once. */
export class PayloadConditions {
  readonly compiled: readonly CompiledPayloadCondition[];

  constructor(specs: readonly PayloadConditionSpec[] | undefined) {
    this.compiled = (specs ?? []).map(compilePayloadCondition);
  }

  get empty(): boolean {
    return this.compiled.length === 0;
  }

  /** Whether every condition holds on this payload (any value at all; never throws). */
  matches(payload: unknown): boolean {
    for (const condition of this.compiled) if (!condition.holds(payload)) return false;
    return true;
  }
}
