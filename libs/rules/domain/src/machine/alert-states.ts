import type { AlertContextEvent, SilenceMatchers, Severity } from '@daalu/contracts';

/** One alert as the evaluator keeps it. Times are epoch ms. */
export interface AlertState {
  alertId: string;
  tenantId: string;
  ruleId: string;
  ruleName: string;
  ruleKind: 'match' | 'absence';
  groupKey: string;
  state: 'firing' | 'resolved';
  severity: Severity;
  summary: string;
  firedAt: number;
  resolvedAt: number | null;
  resolveReason: string | null;
  count: number;
  lastSeenAt: number;
  eventIds: string[];
  context: AlertContextEvent[];
  /** Who took it, when, and their note; null while nobody has. */
  acknowledged: { at: number; by: string; note: string | null } | null;
  /** Who resolved it by hand, and their note (reason `manual`). */
  resolvedBy: string | null;
  resolveNote: string | null;
  /** The sender's dedup key (the firing event's value at the rule's dedup field), by which it can resolve it. */
  dedupKey: string | null;
  /** The silence that covered it when it fired, while it still does: no webhook has been told. */
  silencedBy: string | null;
}

/** A threshold rule's recent matches in one group. */
export interface WindowState {
  ruleId: string;
  groupKey: string;
  times: number[];
  eventIds: string[];
}

/** A change event kept for the context of alerts. */
export interface ChangeEvent {
  tenantId: string;
  receivedAt: number;
  eventId: string;
  type: string;
  source: string;
  summary: string;
  service: string | null;
}

/** One signal a heartbeat check received: a success ping, a failure, or the start of a run. */
export interface CheckPing {
  at: number;
  kind: 'success' | 'fail' | 'start';
  /** A finished run's duration (from its start signal), when it had one. */
  durationMs: number | null;
}

/** What a heartbeat check (an absence rule, per group) has heard. Times are epoch ms. */
export interface CheckState {
  ruleId: string;
  groupKey: string;
  tenantId: string;
  /** The last success ping; null while it has had none (only failures or starts). */
  lastSeenAt: number | null;
  /** A run that signalled its start and has not finished yet. */
  runStartedAt: number | null;
  lastDurationMs: number | null;
  /** The last pings, oldest first (at most CHECK_PINGS_KEPT). */
  pings: CheckPing[];
  /** The clock's last alert for it (a deadline or a run): never fired twice, even if resolved by hand. */
  firedAlertId: string | null;
}

/** Someone paused a check (no alerts while paused), or resumed it (deadlines count from then). */
export interface CheckPauseState {
  ruleId: string;
  tenantId: string;
  pausedAt: number | null;
  pausedBy: string | null;
  resumedAt: number | null;
}

/** A silence as the evaluator keeps it. Times are epoch ms; `expiredAt` when someone ended it early. */
export interface SilenceState {
  silenceId: string;
  tenantId: string;
  matchers: SilenceMatchers;
  startsAt: number;
  endsAt: number;
  expiredAt: number | null;
  createdAt: number;
  createdBy: string;
  expiredBy: string | null;
  comment: string;
}
