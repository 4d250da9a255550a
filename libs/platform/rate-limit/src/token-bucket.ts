/**
 * A token bucket: `burst` tokens at most, refilled at `perSecond`. Tokens other replicas spent for the
 * same tenant are debited with `debit`, so the limit holds across replicas (the balance may go negative,
 * which makes the next requests wait for the refill).
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private perSecond: number,
    private burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Changes the limit (an operator raised it); keeps the current balance within the new burst. */
  configure(perSecond: number, burst: number): void {
    this.perSecond = perSecond;
    this.burst = burst;
    this.tokens = Math.min(this.tokens, burst);
  }

  /** Takes one token if there is one. */
  take(now: number): {
    allowed: boolean;
    remaining: number;
    retryAfterSeconds: number;
    resetSeconds: number;
    missing: number;
  } {
    this.refill(now);
    const allowed = this.tokens >= 1;
    if (allowed) this.tokens -= 1;
    const missing = Math.max(0, 1 - this.tokens);
    return {
      allowed,
      remaining: Math.max(0, Math.floor(this.tokens)),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(missing / this.perSecond)),
      resetSeconds: Math.max(0, Math.ceil((this.burst - this.tokens) / this.perSecond)),
      /** Tokens short of one (0 when allowed). */
      missing: allowed ? 0 : missing,
    };
  }

  /** Spends tokens consumed elsewhere (another replica). */
  debit(count: number, now: number): void {
    this.refill(now);
    this.tokens = Math.max(-this.burst, this.tokens - count);
  }

  get limit(): { perSecond: number; burst: number } {
    return { perSecond: this.perSecond, burst: this.burst };
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.perSecond);
    this.updatedAt = now;
  }
}
