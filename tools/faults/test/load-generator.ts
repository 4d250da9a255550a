export interface LoadOptions {
  /** Where to POST (the gateway's base URL). */
  gateway: string;
  ingestKey: string;
  /** Events per second, aimed at (each logical event is one POST /api/v1/events until it gets a 202). */
  ratePerSecond: number;
  /** How long new events are started. */
  durationMs: number;
  /** How long an event not yet accepted keeps being retried after the load ended. */
  retryForMs: number;
  /** Requests in flight at most. */
  concurrency?: number;
  /** A label in every event's summary and payload. */
  label: string;
}

export interface LoadFigures {
  /** Logical events started. */
  events: number;
  /** Ids the gateway answered 202 for: what must be on the timeline and delivered. */
  ledger: string[];
  /** Requests answered 503 (retried, not in the ledger). */
  unavailable: number;
  /** Requests that failed without an answer (connection refused or reset, timeout; retried). */
  networkErrors: number;
  /** Other statuses (none expected), by status. */
  otherStatuses: Record<string, number>;
  /** Logical events that never got a 202 within the retry time. */
  gaveUp: number;
  /** The longest time between two 202s while the load ran (ms): how long ingest was unavailable. */
  longestGapMs: number;
  startedAt: number;
  endedAt: number;
}

/**
 * A load generator with a ledger: POSTs events at a steady rate, records the id of every one answered
 * 202, and retries those answered 503 or not answered at all (a new request: such an event may or may not
 * have been stored, so it is not in the ledger). Bounded in count and time.
 */
export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const { gateway, ingestKey, ratePerSecond, durationMs, retryForMs, label } = options;
  const concurrency = options.concurrency ?? 32;
  const total = Math.ceil((ratePerSecond * durationMs) / 1000);
  const startedAt = Date.now();
  const stopRetryingAt = startedAt + durationMs + retryForMs;
  const figures: LoadFigures = {
    events: 0,
    ledger: [],
    unavailable: 0,
    networkErrors: 0,
    otherStatuses: {},
    gaveUp: 0,
    longestGapMs: 0,
    startedAt,
    endedAt: 0,
  };
  let lastAccepted = startedAt;
  let next = 0;

  const post = async (n: number): Promise<'accepted' | 'retry' | 'refused'> => {
    try {
      const response = await fetch(`${gateway}/api/v1/events`, {
        method: 'POST',
        headers: { 'x-daalu-key': ingestKey, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'load.tick',
          source: 'faults',
          summary: `${label} ${n}`,
          payload: { label, n },
        }),
        signal: AbortSignal.timeout(5000),
      });
      const text = await response.text();
      if (response.status === 202) {
        const now = Date.now();
        if (now - startedAt <= durationMs) figures.longestGapMs = Math.max(figures.longestGapMs, now - lastAccepted);
        lastAccepted = now;
        figures.ledger.push((JSON.parse(text) as { id: string }).id);
        return 'accepted';
      }
      if (response.status === 503) {
        figures.unavailable++;
        return 'retry';
      }
      figures.otherStatuses[response.status] = (figures.otherStatuses[response.status] ?? 0) + 1;
      return response.status === 429 || response.status >= 500 ? 'retry' : 'refused';
    } catch {
      figures.networkErrors++;
      return 'retry';
    }
  };

  const worker = async () => {
    for (;;) {
      const n = next++;
      if (n >= total) return;
      const due = startedAt + (n * 1000) / ratePerSecond;
      if (due > Date.now()) await sleep(due - Date.now());
      figures.events++;
      for (;;) {
        const outcome = await post(n);
        if (outcome === 'accepted' || outcome === 'refused') break;
        if (Date.now() > stopRetryingAt) {
          figures.gaveUp++;
          break;
        }
        await sleep(100);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  // A gap that lasted to the end of the load counts too.
  figures.longestGapMs = Math.max(figures.longestGapMs, Math.min(Date.now(), startedAt + durationMs) - lastAccepted);
  figures.endedAt = Date.now();
  return figures;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
