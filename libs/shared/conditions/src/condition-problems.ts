import { PAYLOAD_OPS } from '@daalu/contracts';

/**
 * The bounds of payload conditions, wherever they are written (an alert rule's `match.payload`, a
 * webhook's `trigger.events.payload`): checked by `PayloadConditionDto` for the shape and by
 * `payloadConditionProblems` for the values, so both APIs refuse the same conditions for the same reasons.
 */
export const PAYLOAD_CONDITION_LIMITS = {
  /** Conditions in one list, at most. */
  maxConditions: 20,
  /** Characters of a `field`, at most (8 names of 64 and their dots fit in `payload.` + 527; the pattern bounds it too). */
  maxFieldLength: 200,
  /** Characters of a string value, at most. */
  maxStringLength: 256,
  /** Values of an `in` list, at most. */
  maxInValues: 100,
} as const;

/**
 * A payload path: `payload.` optional, then 1 to 8 names of 1 to 64 letters, digits, `_` or `-`, joined
 * by dots (no NUL, no surrogate, no whitespace can pass it).
 */
export const PAYLOAD_FIELD_PATTERN = /^(payload\.)?[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,7}$/;

export const PAYLOAD_FIELD_MESSAGE = 'field must be a payload path: names of letters, digits, _ and -, joined by dots';
export const PAYLOAD_OP_MESSAGE = `op must be one of ${PAYLOAD_OPS.join(', ')}`;

/** A field error, as the APIs' problem+json names them (`match.payload.0.value`). */
export interface ConditionProblem {
  field: string;
  message: string;
}

const { maxStringLength, maxInValues } = PAYLOAD_CONDITION_LIMITS;

function isScalar(value: unknown): boolean {
  return (
    (typeof value === 'string' && value.length <= maxStringLength) ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    typeof value === 'boolean'
  );
}

/**
 * What the shape checks of `PayloadConditionDto` cannot say: whether each condition's `value` suits its
 * `op`, named `<at>.payload.<i>.value` (`at`: `match`, `resolve.match`, `trigger.events`):
 *  - `exists` takes no value;
 *  - `in` takes an array of 1 to 100 strings (at most 256 characters), numbers or booleans;
 *  - `gt`, `gte`, `lt`, `lte` take a finite number;
 *  - `eq`, `neq` take one string (at most 256 characters), number or boolean.
 * Text no API may take (a NUL, a lone surrogate) is refused before any of this, for every body of every
 * app alike (`refuseUnsafeInput`, libs/platform/http): `match.payload[0].value`, `trigger.events.payload[0].value`.
 * Anything that is not a list of objects (the shape checks name it) is passed over, never thrown on.
 */
export function payloadConditionProblems(conditions: unknown, at: string): ConditionProblem[] {
  if (!Array.isArray(conditions)) return [];
  const errors: ConditionProblem[] = [];
  conditions.forEach((condition: unknown, i) => {
    if (condition === null || typeof condition !== 'object') return;
    const message = valueProblem(condition as { op?: unknown; value?: unknown });
    if (message) errors.push({ field: `${at}.payload.${i}.value`, message });
  });
  return errors;
}

function valueProblem({ op, value }: { op?: unknown; value?: unknown }): string | null {
  switch (op) {
    case 'exists':
      return value === undefined ? null : 'exists takes no value';
    case 'in':
      return Array.isArray(value) && value.length > 0 && value.length <= maxInValues && value.every(isScalar)
        ? null
        : `in takes an array of 1 to ${maxInValues} strings (at most ${maxStringLength} characters), numbers or booleans`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return typeof value === 'number' && Number.isFinite(value) ? null : `${op} takes a number`;
    case 'eq':
    case 'neq':
      return isScalar(value) ? null : `${op} takes a string (at most ${maxStringLength} characters), number or boolean`;
    default:
      return null; // an unknown op: the shape checks name it
  }
}
