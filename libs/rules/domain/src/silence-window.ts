import type { SilenceMatchers } from '@daalu/contracts';
import { PayloadConditions } from '@daalu/shared/conditions';

/** What a silence is judged against: the alert as it fires, and the payload of the event that fired it. */
export interface SilenceCandidate {
  ruleId: string;
  severity: string;
  groupKey: string;
  /** The firing event's payload; undefined for an absence alert (no event: a payload matcher never holds). */
  payload: unknown;
}

/**
 * A silence, compiled once: from `startsAt` until `endsAt` (or until it was expired, if earlier), it
 * covers the alerts all of whose given matchers hold. Pure: the evaluator decides with it in log order.
 */
export class SilenceWindow {
  private readonly payload: PayloadConditions | null;

  constructor(
    readonly silenceId: string,
    readonly tenantId: string,
    private readonly matchers: SilenceMatchers,
    readonly startsAt: number,
    readonly endsAt: number,
    readonly expiredAt: number | null,
  ) {
    this.payload = matchers.payload && matchers.payload.length > 0 ? new PayloadConditions(matchers.payload) : null;
  }

  /** When it stops covering: its end, or its expiry if that came first. */
  get end(): number {
    return this.expiredAt === null ? this.endsAt : Math.min(this.endsAt, this.expiredAt);
  }

  /** Whether it covers this alert firing at `at`. */
  covers(alert: SilenceCandidate, at: number): boolean {
    if (at < this.startsAt || at >= this.end) return false;
    const m = this.matchers;
    if (m.ruleId !== undefined && m.ruleId !== alert.ruleId) return false;
    if (m.severity !== undefined && m.severity !== alert.severity) return false;
    if (m.groupKey !== undefined && m.groupKey !== alert.groupKey) return false;
    if (this.payload && (alert.payload === undefined || !this.payload.matches(alert.payload))) return false;
    return true;
  }
}
