import type { Alert, AlertRule, AlertRuleInput, AlertRulePage, Match, Proposal, Schema, Severity } from '@daalu/client';
import { ApiError, daalu, data } from '../../api/client';
import { describeCondition } from '../../ui/conditions';

/**
 * The shapes of docs/rules.md are those of @daalu/client (`AlertRule`, `AlertRuleInput`, `Alert`,
 * `Proposal`, `EventEvaluations`…), generated from docs/openapi.json; what the forms need is derived here.
 */

/** Whether an alert comes from an absence rule: it has no event and, so, no context. */
export function isAbsenceAlert(alert: Alert, rule: AlertRule | undefined): boolean {
  const kind = (alert as Alert & { ruleKind?: string }).ruleKind ?? rule?.kind;
  // A deleted rule of an older alert: only absence alerts have no firing event.
  return kind ? kind === 'absence' : alert.eventIds.length === 0;
}

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
    parts[0] = rule.schedule
      ? `none of ${parts[0]} by cron ${rule.schedule} (${rule.timezone || 'UTC'})`
      : `none of ${parts[0]} for ${duration(rule.everySeconds ?? 0)}`;
    if (rule.graceSeconds) parts[0] += ` + ${duration(rule.graceSeconds)} grace`;
    if (rule.maxRunSeconds) parts[0] += `; a run over ${duration(rule.maxRunSeconds)}`;
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

/** `1.2 s`, `850 ms`, `3 min 4 s`: how long a run took. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const min = Math.floor((totalSeconds % 3600) / 60);
  const sec = totalSeconds % 60;
  if (h > 0) return min ? `${h} h ${min} min` : `${h} h`;
  return sec ? `${min} min ${sec} s` : `${min} min`;
}

// Acting on an alert -------------------------------------------------------------------------------------

export const alertsKey = ['alerts'] as const;

export function acknowledgeAlert(id: string, note?: string): Promise<Alert> {
  return data(daalu.POST('/api/v1/alerts/{id}/acknowledge', { params: { path: { id } }, body: note ? { note } : {} }));
}

export function unacknowledgeAlert(id: string): Promise<Alert> {
  return data(daalu.POST('/api/v1/alerts/{id}/unacknowledge', { params: { path: { id } } }));
}

export function resolveAlert(id: string, note?: string): Promise<Alert> {
  return data(daalu.POST('/api/v1/alerts/{id}/resolve', { params: { path: { id } }, body: note ? { note } : {} }));
}

// Silences -----------------------------------------------------------------------------------------------

export type Silence = Schema<'Silence'>;
export type SilenceMatchers = Schema<'SilenceMatchers'>;
export type CreateSilence = Schema<'CreateSilence'>;
export type SilenceState = Silence['state'];
export const SILENCE_STATES: SilenceState[] = ['active', 'pending', 'expired'];

export const silencesKey = ['silences'] as const;

export function listSilences(state: SilenceState | undefined, signal?: AbortSignal): Promise<{ items: Silence[] }> {
  return data(daalu.GET('/api/v1/silences', { params: { query: { state } }, signal }));
}

export function createSilence(body: CreateSilence): Promise<Silence> {
  return data(daalu.POST('/api/v1/silences', { body }));
}

export function expireSilence(id: string): Promise<Silence> {
  return data(daalu.POST('/api/v1/silences/{id}/expire', { params: { path: { id } } }));
}

/** A silence's matchers in words: `rule disk over 90%, group backup-1, severity critical`. */
export function describeMatchers(matchers: SilenceMatchers, ruleName: (id: string) => string | undefined): string {
  const parts: string[] = [];
  if (matchers.ruleId) parts.push(`rule ${ruleName(matchers.ruleId) ?? `${matchers.ruleId.slice(0, 8)}… (deleted)`}`);
  if (matchers.groupKey !== undefined) parts.push(`group ${matchers.groupKey || '(none)'}`);
  if (matchers.severity) parts.push(`severity ${matchers.severity}`);
  for (const c of matchers.payload ?? []) parts.push(describeCondition(c));
  return parts.length ? parts.join(', ') : 'every alert';
}

// Heartbeat checks ---------------------------------------------------------------------------------------

/** One absence rule's switch, per group: its state, deadlines and last pings (oldest first, at most 20). */
export type CheckView = Schema<'Check'>;
export type CheckPing = Schema<'CheckPing'>;
export type CheckList = Schema<'CheckList'>;
export type CheckState = CheckView['state'];
export const CHECK_STATES: CheckState[] = ['down', 'late', 'up', 'new', 'paused'];

export const checksKey = ['checks'] as const;

export function listChecks(
  query: { state?: CheckState; cursor?: string; limit?: number },
  signal?: AbortSignal,
): Promise<CheckList> {
  return data(daalu.GET('/api/v1/checks', { params: { query }, signal }));
}

/** Pauses (or resumes) every check of a rule; the answer is that rule's checks. */
export function setCheckPaused(ruleId: string, paused: boolean): Promise<CheckList> {
  const init = { params: { path: { ruleId } } };
  return data(
    paused ? daalu.POST('/api/v1/checks/{ruleId}/pause', init) : daalu.POST('/api/v1/checks/{ruleId}/resume', init),
  );
}
