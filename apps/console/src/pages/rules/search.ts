import type { Proposal, Severity } from '@daalu/client';
import type { CheckState, SilenceState } from './api';

/**
 * What the Alerts page's State filter offers: the API's `state`, and, of firing alerts, whether someone
 * acknowledged them (the API's `acknowledged`) or a silence covers them (`silencedBy`, read here).
 */
export type AlertStateFilter = 'firing' | 'acknowledged' | 'unacknowledged' | 'silenced' | 'resolved';
export const ALERT_STATE_FILTERS: AlertStateFilter[] = [
  'firing',
  'acknowledged',
  'unacknowledged',
  'silenced',
  'resolved',
];

/** The Alerts and Proposals pages' filters, all in the URL (every field optional: nav links pass `{}`). */
export interface AlertsSearch {
  state?: AlertStateFilter;
  severity?: Severity;
  /** A rule id, as `GET /api/v1/alerts?ruleId=` takes it. */
  ruleId?: string;
}
export interface ProposalsSearch {
  state?: Proposal['state'];
}
export interface SilencesSearch {
  state?: SilenceState;
}
export interface ChecksSearch {
  state?: CheckState;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function validateAlertsSearch(search: Record<string, unknown>): AlertsSearch {
  const out: AlertsSearch = {};
  if ((ALERT_STATE_FILTERS as unknown[]).includes(search.state)) out.state = search.state as AlertStateFilter;
  if (search.severity === 'info' || search.severity === 'warning' || search.severity === 'critical')
    out.severity = search.severity;
  if (typeof search.ruleId === 'string' && UUID.test(search.ruleId)) out.ruleId = search.ruleId.toLowerCase();
  return out;
}

export function validateProposalsSearch(search: Record<string, unknown>): ProposalsSearch {
  return search.state === 'pending' || search.state === 'approved' || search.state === 'rejected'
    ? { state: search.state }
    : {};
}

export function validateSilencesSearch(search: Record<string, unknown>): SilencesSearch {
  return search.state === 'pending' || search.state === 'active' || search.state === 'expired'
    ? { state: search.state }
    : {};
}

const CHECK_STATE_NAMES: unknown[] = ['new', 'up', 'late', 'down', 'paused'];

export function validateChecksSearch(search: Record<string, unknown>): ChecksSearch {
  return CHECK_STATE_NAMES.includes(search.state) ? { state: search.state as CheckState } : {};
}
