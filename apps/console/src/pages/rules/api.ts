import type { AlertRule, AlertRuleInput, AlertRulePage, Match, Proposal, Severity } from '@daalu/client';
import { ApiError, daalu, data } from '../../api/client';
import { describeCondition } from '../../ui/conditions';

/**
 * The shapes of docs/rules.md are those of @daalu/client (`AlertRule`, `AlertRuleInput`, `Alert`,
 * `Proposal`, `EventEvaluations`…), generated from docs/openapi.json; what the forms need is derived here.
 */

export const SEVERITIES: Severity[] = ['info', 'warning', 'critical'];

export type ProposalState = Proposal['state'];
export const PROPOSAL_STATES: ProposalState[] = ['pending', 'approved', 'rejected'];

export const rulesKey = ['alert-rules'] as const;

export function listRules(): Promise<AlertRulePage> {
  return data(daalu.GET('/api/v1/alert-rules'));
}

export function getRule(id: string): Promise<AlertRule> {
  return data(daalu.GET('/api/v1/alert-rules/{id}', { params: { path: { id } } }));
}

export function createRule(spec: AlertRuleInput): Promise<AlertRule> {
  return data(daalu.POST('/api/v1/alert-rules', { body: spec }));
}

/**
 * Replaces a rule, unless it changed since `version` was read: the API's own 409 only catches two
 * changes landing at once, so a change made while this form was open is caught here first, in the
 * same words (a PUT would otherwise silently overwrite it).
 */
export async function replaceRule(id: string, version: number, spec: AlertRuleInput): Promise<AlertRule> {
  const current = await getRule(id);
  if (current.version !== version) {
    throw new ApiError(
      409,
      'Conflict',
      `this rule was changed by someone else since you opened it (now version ${current.version}, you edited version ${version})`,
      [],
    );
  }
  return data(daalu.PUT('/api/v1/alert-rules/{id}', { params: { path: { id } }, body: spec }));
}

export async function deleteRule(id: string): Promise<void> {
  await data(daalu.DELETE('/api/v1/alert-rules/{id}', { params: { path: { id } } }));
}

/** A condition in words, as the rules list and the form's preview show it. */
export function describeConditions(match: Match): string {
  const parts: string[] = [];
  if (match.type) parts.push(`type ${match.type}`);
  if (match.module) parts.push(`module ${match.module}`);
  if (match.source) parts.push(`source ${match.source}`);
  if (match.minSeverity) parts.push(`severity ≥ ${match.minSeverity}`);
  for (const c of match.payload ?? []) parts.push(describeCondition(c));
  return parts.length ? parts.join(' and ') : 'every event';
}

/** The whole rule in one line: what it watches, how often, and how it resolves. */
export function describeRule(rule: AlertRuleInput): string {
  const parts = [describeConditions(rule.match)];
  if (rule.kind === 'absence') {
    parts[0] = `none of ${parts[0]} for ${duration(rule.everySeconds ?? 0)}`;
    if (rule.graceSeconds) parts[0] += ` + ${duration(rule.graceSeconds)} grace`;
  } else if (rule.threshold) {
    parts.push(`${rule.threshold.count} times within ${duration(rule.threshold.windowSeconds)}`);
  }
  if (rule.groupBy) parts.push(`per ${rule.groupBy}`);
  if (rule.resolve?.match) parts.push(`resolved by ${describeConditions(rule.resolve.match)}`);
  if (rule.resolve?.quietSeconds !== undefined)
    parts.push(`resolved after ${duration(rule.resolve.quietSeconds)} quiet`);
  return parts.join('; ');
}

export function duration(seconds: number): string {
  if (seconds % 86_400 === 0 && seconds > 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0 && seconds > 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0 && seconds > 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
