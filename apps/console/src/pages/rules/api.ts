import { api, ApiError } from '../../api/client';
import type { Page, Severity } from '../../api/types';

/** The shapes of docs/rules.md (libs/rules/feature/src: AlertRuleDto, the alerts and proposals controllers). */

export type PayloadOp = 'eq' | 'neq' | 'in' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists';
export const PAYLOAD_OPS: PayloadOp[] = ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'exists'];
export const SEVERITIES: Severity[] = ['info', 'warning', 'critical'];

export type PayloadValue = string | number | boolean;

export interface PayloadCondition {
  field: string;
  op: PayloadOp;
  value?: PayloadValue | PayloadValue[];
}

export interface Conditions {
  type?: string;
  module?: string;
  source?: string;
  minSeverity?: Severity;
  payload?: PayloadCondition[];
}

/** The body of POST and PUT /api/v1/alert-rules. */
export interface AlertRuleSpec {
  name: string;
  kind: 'match' | 'absence';
  enabled?: boolean;
  match: Conditions;
  threshold?: { count: number; windowSeconds: number };
  groupBy?: string;
  alert: { severity: Severity; summary: string };
  resolve?: { match: Conditions } | { quietSeconds: number };
  everySeconds?: number;
  graceSeconds?: number;
}

export interface AlertRule extends AlertRuleSpec {
  id: string;
  version: number;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ChangeEvent {
  id: string;
  type: string;
  source: string;
  summary: string;
  receivedAt: string;
}

export interface Alert {
  id: string;
  ruleId: string;
  ruleName: string;
  state: 'firing' | 'resolved';
  severity: Severity;
  summary: string;
  groupKey: string;
  firedAt: string;
  resolvedAt: string | null;
  resolveReason: string | null;
  count: number;
  /** The last match (absence: the last event before the silence); always set (the column is NOT NULL). */
  lastSeenAt: string;
  eventIds: string[];
  context: ChangeEvent[];
}

export type ProposalState = 'pending' | 'approved' | 'rejected';
export const PROPOSAL_STATES: ProposalState[] = ['pending', 'approved', 'rejected'];

export interface Proposal {
  id: string;
  kind: string;
  title: string;
  payload: Record<string, unknown>;
  state: ProposalState;
  createdAt: string;
  createdBy: string;
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
}

/** `GET /api/v1/events/:id/evaluations`: what the console reads of it (the event itself). */
export interface EventEvaluations {
  event: { id: string; type: string; source: string; summary: string; receivedAt: string };
}

export const rulesKey = ['alert-rules'] as const;

export function listRules(): Promise<Page<AlertRule>> {
  return api<Page<AlertRule>>('/api/v1/alert-rules');
}

export function getRule(id: string): Promise<AlertRule> {
  return api<AlertRule>(`/api/v1/alert-rules/${encodeURIComponent(id)}`);
}

export function createRule(spec: AlertRuleSpec): Promise<AlertRule> {
  return api<AlertRule>('/api/v1/alert-rules', { method: 'POST', json: spec });
}

/**
 * Replaces a rule, unless it changed since `version` was read: the API's own 409 only catches two
 * changes landing at once, so a change made while this form was open is caught here first, in the
 * same words (a PUT would otherwise silently overwrite it).
 */
export async function replaceRule(id: string, version: number, spec: AlertRuleSpec): Promise<AlertRule> {
  const current = await getRule(id);
  if (current.version !== version) {
    throw new ApiError(
      409,
      'Conflict',
      `this rule was changed by someone else since you opened it (now version ${current.version}, you edited version ${version})`,
      [],
    );
  }
  return api<AlertRule>(`/api/v1/alert-rules/${encodeURIComponent(id)}`, { method: 'PUT', json: spec });
}

export function deleteRule(id: string): Promise<void> {
  return api<void>(`/api/v1/alert-rules/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A condition in words, as the rules list and the form's preview show it. */
export function describeConditions(match: Conditions): string {
  const parts: string[] = [];
  if (match.type) parts.push(`type ${match.type}`);
  if (match.module) parts.push(`module ${match.module}`);
  if (match.source) parts.push(`source ${match.source}`);
  if (match.minSeverity) parts.push(`severity ≥ ${match.minSeverity}`);
  for (const c of match.payload ?? []) {
    const field = c.field.startsWith('payload.') ? c.field : `payload.${c.field}`;
    const symbol: Record<PayloadOp, string> = {
      eq: '=',
      neq: '≠',
      in: 'in',
      gt: '>',
      gte: '≥',
      lt: '<',
      lte: '≤',
      exists: 'exists',
    };
    if (c.op === 'exists') parts.push(`${field} exists`);
    else parts.push(`${field} ${symbol[c.op]} ${JSON.stringify(c.value)}`);
  }
  return parts.length ? parts.join(' and ') : 'every event';
}

/** The whole rule in one line: what it watches, how often, and how it resolves. */
export function describeRule(rule: AlertRuleSpec): string {
  const parts = [describeConditions(rule.match)];
  if (rule.kind === 'absence') {
    parts[0] = `none of ${parts[0]} for ${duration(rule.everySeconds ?? 0)}`;
    if (rule.graceSeconds) parts[0] += ` + ${duration(rule.graceSeconds)} grace`;
  } else if (rule.threshold) {
    parts.push(`${rule.threshold.count} times within ${duration(rule.threshold.windowSeconds)}`);
  }
  if (rule.groupBy) parts.push(`per ${rule.groupBy}`);
  if (rule.resolve && 'match' in rule.resolve) parts.push(`resolved by ${describeConditions(rule.resolve.match)}`);
  if (rule.resolve && 'quietSeconds' in rule.resolve)
    parts.push(`resolved after ${duration(rule.resolve.quietSeconds)} quiet`);
  return parts.join('; ');
}

export function duration(seconds: number): string {
  if (seconds % 86_400 === 0 && seconds > 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0 && seconds > 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0 && seconds > 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
