import type { PayloadCondition } from '@daalu/client';

/**
 * Payload conditions as the alert rules (`match.payload`) and the webhooks' event triggers
 * (`trigger.events.payload`) take them: one language, judged by one matcher on the server
 * (docs/rules.md, "Conditions"). The forms edit them as text (`ConditionDraft`) and send them typed.
 */

export type PayloadOp = PayloadCondition['op'];
export const PAYLOAD_OPS: PayloadOp[] = ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'exists'];

/** One value a payload condition compares with (`in` takes a list of them). */
export type PayloadValue = Exclude<PayloadCondition['value'], unknown[] | undefined>;

/** At most this many conditions (the API's own limit). */
export const MAX_CONDITIONS = 20;

/** A condition as typed in the form: the value as text (a comma-separated list for `in`). */
export interface ConditionDraft {
  field: string;
  op: PayloadOp;
  value: string;
}

export const OP_LABELS: Record<PayloadOp, string> = {
  eq: 'equals (eq)',
  neq: 'does not equal (neq)',
  in: 'is one of (in)',
  gt: 'greater than (gt)',
  gte: 'at least (gte)',
  lt: 'less than (lt)',
  lte: 'at most (lte)',
  exists: 'exists',
};

const OP_SYMBOLS: Record<PayloadOp, string> = {
  eq: '=',
  neq: '≠',
  in: 'in',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  exists: 'exists',
};

export function conditionDrafts(conditions: PayloadCondition[] | undefined): ConditionDraft[] {
  return (conditions ?? []).map((p) => ({
    field: p.field,
    op: p.op,
    value: p.value === undefined ? '' : Array.isArray(p.value) ? p.value.join(', ') : String(p.value),
  }));
}

/** A number as typed; what is not one goes as typed, so the API's 400 names the field. */
export function number(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : trimmed;
}

/** `true`/`false` are booleans, numbers are numbers (the API equates `"93"` and `93` anyway), the rest text. */
export function scalar(text: string): PayloadValue {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  const n = Number(trimmed);
  return trimmed !== '' && Number.isFinite(n) ? n : text;
}

/** The drafts as the API takes them (the API checks them, and its 400 names `<at>.payload.<i>.<part>`). */
export function payloadConditions(drafts: ConditionDraft[]): PayloadCondition[] {
  return drafts.map((p) => {
    const field = p.field.trim();
    if (p.op === 'exists') return { field, op: p.op };
    if (p.op === 'in')
      return {
        field,
        op: p.op,
        value: p.value
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
          .map(scalar),
      };
    if (p.op === 'eq' || p.op === 'neq') return { field, op: p.op, value: scalar(p.value) };
    return { field, op: p.op, value: (number(p.value) ?? p.value) as PayloadValue };
  });
}

/** `payload.env = "prod"`: one condition in words, as the lists show it. */
export function describeCondition(c: PayloadCondition): string {
  const field = c.field.startsWith('payload.') ? c.field : `payload.${c.field}`;
  if (c.op === 'exists') return `${field} exists`;
  return `${field} ${OP_SYMBOLS[c.op]} ${JSON.stringify(c.value)}`;
}
