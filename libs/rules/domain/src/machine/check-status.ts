import type { CheckPauseState, CheckState } from './alert-states';
import type { CheckSchedule } from './check-schedule';

/** What a heartbeat check is now, as healthchecks.io says it. */
export type CheckStatus = 'new' | 'up' | 'late' | 'down' | 'paused';

/** Everything the status of one check depends on. */
export interface CheckFacts {
  schedule: CheckSchedule;
  enabled: boolean;
  /** When its rule was created: a check that never heard a ping counts from then. */
  createdAt: number;
  state: CheckState | null;
  pause: CheckPauseState | null;
  /** Whether an alert of the check is firing (a failure signal, a run too long, or a missed deadline). */
  firing: boolean;
}

/** When a check's current period began: its last ping, its rule's creation or its resumption, the latest. */
export function checkSince(facts: Pick<CheckFacts, 'createdAt' | 'state' | 'pause'>): number {
  return Math.max(facts.state?.lastSeenAt ?? 0, facts.createdAt, facts.pause?.resumedAt ?? 0);
}

/**
 * The status at `now`: `paused` (paused or its rule disabled), `down` (an alert fires for it, or its
 * deadline passed: the clock fires a second later), `late` (its ping is due and the grace runs), `new`
 * (never pinged, not due yet) or `up`.
 */
export function checkStatusAt(facts: CheckFacts, now: number): { status: CheckStatus; expectedAt: number; deadlineAt: number } {
  const since = checkSince(facts);
  const expectedAt = facts.schedule.expectedAfter(since);
  const deadlineAt = expectedAt + facts.schedule.graceMs;
  const status: CheckStatus =
    !facts.enabled || facts.pause?.pausedAt != null
      ? 'paused'
      : facts.firing || now >= deadlineAt
        ? 'down'
        : now >= expectedAt
          ? 'late'
          : facts.state?.lastSeenAt == null
            ? 'new'
            : 'up';
  return { status, expectedAt, deadlineAt };
}
