/** One dependency's answer to "can this app serve traffic now?". */
export interface CheckResult {
  ok: boolean;
  detail?: string;
}

export type ReadinessCheck = () => Promise<CheckResult> | CheckResult;

/**
 * Collects readiness checks from every part of the app (NATS connection, PostgreSQL, projections caught
 * up). Ready means every check passes and the app is not shutting down.
 */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private shuttingDown = false;

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async evaluate(timeoutMs = 2000): Promise<{ ready: boolean; checks: Record<string, CheckResult> }> {
    const results: Record<string, CheckResult> = {};
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        results[name] = await withTimeout(Promise.resolve().then(check), timeoutMs).catch(
          (error: Error): CheckResult => ({ ok: false, detail: error.message }),
        );
      }),
    );
    if (this.shuttingDown) results.shutdown = { ok: false, detail: 'shutting down' };
    return { ready: Object.values(results).every((r) => r.ok), checks: results };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`check timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
