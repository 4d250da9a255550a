/** Injection token: DAALU_STALL_AFTER_S in milliseconds, for consumers built by Nest. */
export const STALL_AFTER_MS = Symbol('STALL_AFTER_MS');

/**
 * Tells a consumer that is merely busy from one that has stopped: stalled means it had work waiting
 * (lag > 0) and its position did not move for `stallAfterMs`. A consumer with nothing to do, or one that
 * moves at all, is not stalled. Readiness turns false while stalled, so an app that stopped doing its job
 * stops getting traffic and is seen by the orchestrator.
 */
export class StallWatch {
  private position = Number.NaN;
  private movedAt: number;
  /** The last `check`'s answer. */
  verdict = false;

  constructor(
    private readonly stallAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.movedAt = now();
  }

  /** Records where the consumer is and how much waits for it; returns whether it is stalled now. */
  observe(position: number, lag: number): boolean {
    const now = this.now();
    if (position !== this.position || lag <= 0) {
      this.position = position;
      this.movedAt = now;
    }
    return this.stalled(now);
  }

  /** A backlog reading alone (a work consumer has no position; `moved` says when it finished one). */
  waiting(lag: number): boolean {
    if (lag <= 0) this.movedAt = this.now();
    return this.stalled();
  }

  /** Counts as a move without a position (a work consumer finished a message). */
  moved(): void {
    this.movedAt = this.now();
  }

  /**
   * The periodic verdict: whether stalled now, calling `onStalled` once when it turns stalled (one log
   * line per stall, not one per check). `verdict` keeps the answer for readiness in between.
   */
  check(onStalled: () => void): boolean {
    const stalled = this.stalled();
    if (stalled && !this.verdict) onStalled();
    this.verdict = stalled;
    return stalled;
  }

  stalled(now = this.now()): boolean {
    return this.stallAfterMs > 0 && now - this.movedAt > this.stallAfterMs;
  }

  /** Milliseconds since the consumer last moved (for the readiness detail). */
  get stillForMs(): number {
    return this.now() - this.movedAt;
  }
}
