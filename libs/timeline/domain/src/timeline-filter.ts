import { SEVERITIES, type Severity } from '@daalu/contracts';
import { globProblem, parseTimestamp, textReason } from '@daalu/shared/text';

/** What `GET /api/v1/events` and `/stream` can filter on, validated. */
export interface TimelineFilter {
  /** Exact type, or a prefix when the query ended in `*` (`deploy.*` → prefix `deploy.`). */
  type?: { exact: string } | { prefix: string };
  module?: string;
  source?: string;
  severities?: Severity[];
  /** Inclusive lower bound of the time the entry was recorded. */
  since?: Date;
  /** Exclusive upper bound. */
  until?: Date;
  /** Text the summary contains (case-insensitive). */
  q?: string;
  /** `payload.<path>=<value>`: the payload has this value at this path. */
  payload: PayloadCondition[];
}

export interface PayloadCondition {
  path: string[];
  /** The value as sent in the query, matched as a string and, when it parses as one, as a number or boolean. */
  value: string;
}

export interface FieldError {
  field: string;
  message: string;
}

/** The list's page size (`limit`): 1 to 500, 50 when absent. */
export const MAX_LIMIT = 500;
export const DEFAULT_LIMIT = 50;
const MAX_PAYLOAD_CONDITIONS = 10;
const PAYLOAD_SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_PAYLOAD_DEPTH = 8;
const FILTER_FIELDS = ['type', 'module', 'source', 'severity', 'since', 'until', 'q'];

export type QueryValue = string | string[] | undefined;

/**
 * Reads filters from a query string object (`?type=deploy.*&severity=warning,critical&payload.env=prod`).
 * `extra` names further parameters the caller accepts (`limit`, `cursor`). Every problem is reported,
 * each with the parameter it concerns; an unknown parameter is an error rather than silently ignored.
 */
export function parseTimelineFilter(
  query: Record<string, QueryValue>,
  extra: readonly string[] = [],
): { filter: TimelineFilter; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const filter: TimelineFilter = { payload: [] };
  // A NUL or a lone surrogate (`%00`) can never be in a stored entry, and PostgreSQL refuses it as a
  // parameter: the parameter is named once and not read further.
  const unstorable = new Set<string>();
  for (const [name, value] of Object.entries(query)) {
    const nameReason = textReason(name);
    if (nameReason) errors.push({ field: '(a parameter name)', message: `parameter names ${nameReason}` });
    const reason = nameReason ? null : firstReason(value);
    if (reason) errors.push({ field: name, message: reason });
    if (nameReason || reason) unstorable.add(name);
  }
  const single = (name: string): string | undefined => {
    if (unstorable.has(name)) return undefined;
    const value = query[name];
    if (Array.isArray(value)) {
      errors.push({ field: name, message: 'must be given once' });
      return undefined;
    }
    return value;
  };
  const text = (name: string, max: number): string | undefined => {
    const value = single(name);
    if (value === undefined) return undefined;
    if (value.length < 1 || value.length > max) {
      errors.push({ field: name, message: `must be 1 to ${max} characters` });
      return undefined;
    }
    return value;
  };

  const type = text('type', 128);
  const typeGlobReason = type === undefined ? null : globProblem(type);
  if (type !== undefined && CONTROL.test(type)) {
    errors.push({ field: 'type', message: 'must not contain control characters' });
  } else if (typeGlobReason) {
    errors.push({ field: 'type', message: typeGlobReason });
  } else if (type !== undefined) {
    const star = type.indexOf('*');
    if (star === -1) filter.type = { exact: type };
    else if (star === type.length - 1 && type.length > 1) filter.type = { prefix: type.slice(0, -1) };
    else errors.push({ field: 'type', message: 'an exact type, or a prefix ending in * (e.g. deploy.*)' });
  }
  filter.module = text('module', 64);
  filter.source = text('source', 128);
  filter.q = text('q', 200);

  const severity = query.severity;
  if (severity !== undefined && !unstorable.has('severity')) {
    const values = (Array.isArray(severity) ? severity : [severity]).flatMap((v) => v.split(',')).map((v) => v.trim());
    const unknown = values.filter((v) => !(SEVERITIES as readonly string[]).includes(v));
    if (unknown.length > 0 || values.length === 0) {
      errors.push({
        field: 'severity',
        message: `each must be one of ${SEVERITIES.join(', ')} (got ${unknown.join(', ')})`,
      });
    } else {
      filter.severities = [...new Set(values)] as Severity[];
    }
  }

  for (const bound of ['since', 'until'] as const) {
    const value = single(bound);
    if (value === undefined) continue;
    const parsed = parseTimestamp(value);
    if (typeof parsed === 'string') errors.push({ field: bound, message: parsed });
    else filter[bound] = parsed;
  }
  if (filter.since && filter.until && filter.since >= filter.until) {
    errors.push({ field: 'until', message: 'must be after since' });
  }

  for (const [name, value] of Object.entries(query)) {
    if (unstorable.has(name)) continue;
    if (!name.startsWith('payload.')) {
      if (!FILTER_FIELDS.includes(name) && !extra.includes(name)) {
        errors.push({ field: name, message: 'unknown parameter' });
      }
      continue;
    }
    const path = name.slice('payload.'.length).split('.');
    if (path.length > MAX_PAYLOAD_DEPTH || !path.every((segment) => PAYLOAD_SEGMENT.test(segment))) {
      errors.push({
        field: name,
        message: `a payload field path: up to ${MAX_PAYLOAD_DEPTH} names of letters, digits, _ and -, joined by dots`,
      });
      continue;
    }
    for (const one of Array.isArray(value) ? value : [value ?? '']) {
      if (one.length > 256) errors.push({ field: name, message: 'at most 256 characters' });
      else filter.payload.push({ path, value: one });
    }
  }
  if (filter.payload.length > MAX_PAYLOAD_CONDITIONS) {
    errors.push({ field: 'payload', message: `at most ${MAX_PAYLOAD_CONDITIONS} payload conditions` });
  }
  return { filter, errors };
}

/** Why a parameter's value (any of them, when repeated) cannot be text PostgreSQL stores, or null. */
function firstReason(value: QueryValue): string | null {
  if (value === undefined) return null;
  for (const one of Array.isArray(value) ? value : [value]) {
    const reason = typeof one === 'string' ? textReason(one) : null;
    if (reason) return reason;
  }
  return null;
}

/** The JSON values a payload condition matches: the string, and the number or boolean it spells. */
export function payloadCandidates(condition: PayloadCondition): unknown[] {
  const values: unknown[] = [condition.value];
  if (condition.value === 'true' || condition.value === 'false') values.push(condition.value === 'true');
  else if (JSON_NUMBER.test(condition.value)) values.push(Number(condition.value));
  return values;
}

/** `{a: {b: value}}` for path ['a', 'b']: the JSON a containment (`@>`) test looks for. */
export function nestAt(path: string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

/** JSON's number grammar: `0x10` or `1_000` stay strings. */
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
