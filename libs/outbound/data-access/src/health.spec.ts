import {
  GONE_REASON,
  healthOfBatch,
  humanDuration,
  LATENCY_BOUNDS_MS,
  LATENCY_SLOTS,
  latencyQuantile,
  latencySlot,
  noteOf,
  type AttemptNote,
} from './health';
import type { AttemptToRecord } from './deliveries';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const T = '00000000-0000-4000-8000-000000000001';

const note = (
  webhookId: string,
  at: number,
  outcome: 'delivered' | 'retry' | 'ended' | 410,
  durationMs: number | null = 3,
): AttemptNote => ({
  webhookId,
  tenantId: T,
  at,
  delivered: outcome === 'delivered',
  endedFailed: outcome === 'ended' || outcome === 410,
  status: outcome === 'delivered' ? 200 : outcome === 410 ? 410 : 503,
  error: null,
  durationMs,
});

/** A latency histogram with these counts in these slots, zeros elsewhere. */
const slots = (counts: Record<number, number>) => Array.from({ length: LATENCY_SLOTS }, (_, slot) => counts[slot] ?? 0);

describe('healthOfBatch', () => {
  it('is failing once a delivery ended failed after the last success, and counts the failures since it', () => {
    const { webhooks } = healthOfBatch([note(A, 3000, 'ended'), note(A, 1000, 'delivered'), note(A, 2000, 'retry')]);
    expect(webhooks).toEqual([
      expect.objectContaining({
        webhookId: A,
        state: 'failing',
        failuresAfterSuccess: 2,
        lastSuccessAt: new Date(1000).toISOString(),
        failingFrom: new Date(2000).toISOString(),
        lastFailureAt: new Date(3000).toISOString(),
        lastError: 'HTTP 503',
        lastStatus: 503,
      }),
    ]);
  });

  it('is healthy when a success comes last, and failing is not claimed for retries alone', () => {
    expect(healthOfBatch([note(A, 1000, 'ended'), note(A, 2000, 'delivered')]).webhooks[0]).toMatchObject({
      state: 'healthy',
      failuresAfterSuccess: 0,
      failingFrom: null,
    });
    expect(healthOfBatch([note(A, 1000, 'retry')]).webhooks[0]).toMatchObject({
      state: 'healthy',
      failuresAfterSuccess: 1,
    });
  });

  it('disables on a 410, unless a success came after it', () => {
    expect(healthOfBatch([note(A, 1000, 410)]).webhooks[0]).toMatchObject({
      state: 'disabled',
      disabledReason: GONE_REASON,
    });
    expect(healthOfBatch([note(A, 1000, 410), note(A, 2000, 'delivered')]).webhooks[0]).toMatchObject({
      state: 'healthy',
      disabledReason: null,
    });
  });

  it('counts attempts per webhook and minute, rows sorted so that writers lock them in one order', () => {
    const { webhooks, minutes } = healthOfBatch([
      note(B, 61_000, 'delivered'),
      note(A, 1000, 'retry'),
      note(A, 2000, 'delivered'),
      note(B, 1000, 'delivered'),
    ]);
    expect(webhooks.map((w) => w.webhookId)).toEqual([A, B]);
    expect(minutes).toEqual([
      { webhookId: A, minute: new Date(0).toISOString(), delivered: 1, failed: 1, latency: slots({ 0: 2 }) },
      { webhookId: B, minute: new Date(0).toISOString(), delivered: 1, failed: 0, latency: slots({ 0: 1 }) },
      { webhookId: B, minute: new Date(60_000).toISOString(), delivered: 1, failed: 0, latency: slots({ 0: 1 }) },
    ]);
  });

  it('counts answered attempts by latency, and those with no answer in failed only', () => {
    const { minutes } = healthOfBatch([
      note(A, 1000, 'delivered', 4.2),
      note(A, 2000, 'delivered', 5),
      note(A, 3000, 'delivered', 5.1),
      note(A, 4000, 'retry', 300),
      note(A, 5000, 'retry', null), // a timeout: failed, no latency
      note(A, 6000, 'delivered', 45_000),
    ]);
    expect(minutes).toEqual([
      {
        webhookId: A,
        minute: new Date(0).toISOString(),
        delivered: 4,
        failed: 2,
        latency: slots({ 0: 2, 1: 1, 6: 1, [LATENCY_BOUNDS_MS.length]: 1 }),
      },
    ]);
  });
});

describe('noteOf', () => {
  const recorded = (response: AttemptToRecord['attempt']['response']): AttemptToRecord => ({
    delivery: {
      deliveryId: A,
      tenantId: T,
      webhookId: B,
      factKind: 'event.ingested',
      factId: A,
      createdAt: new Date(0).toISOString(),
      fact: {},
      factType: 'x',
      summary: null,
    },
    attempt: { at: 1000, durationMs: 2000.4, request: { headers: {}, body: '' }, response, error: null },
    next: { state: 'pending', nextAttemptAt: 2000 },
  });

  it('keeps the duration of an answered attempt, and none of an attempt with no answer', () => {
    expect(noteOf(recorded({ status: 503, headers: {}, body: '' })).durationMs).toBe(2000.4);
    expect(noteOf(recorded(null)).durationMs).toBeNull();
  });
});

describe('latency histograms', () => {
  it('puts a duration in the slot of the first bound at or above it, past the last in the last slot', () => {
    expect([0, 5, 5.01, 10, 11, 250, 251, 30_000, 30_001, 1e9].map(latencySlot)).toEqual([
      0, 0, 1, 1, 2, 5, 6, 11, 12, 12,
    ]);
  });

  it('reads a quantile as the bound of the slot where the cumulative count reaches it', () => {
    expect(latencyQuantile(slots({}), 0.5)).toBeNull();
    expect(latencyQuantile([], 0.99)).toBeNull();
    // 98 fast (≤ 5 ms), 2 at 300 ms (the 500 ms slot): p50 is 5, p99 the slow ones' bound.
    const mostlyFast = slots({ 0: 98, 6: 2 });
    expect(latencyQuantile(mostlyFast, 0.5)).toBe(5);
    expect(latencyQuantile(mostlyFast, 0.99)).toBe(500);
    // 99 fast and 1 slow: the 99th is still fast.
    expect(latencyQuantile(slots({ 0: 99, 6: 1 }), 0.99)).toBe(5);
    // The cumulative count reaching exactly half stops there.
    expect(latencyQuantile(slots({ 2: 5, 4: 5 }), 0.5)).toBe(25);
    expect(latencyQuantile(slots({ 2: 5, 4: 6 }), 0.5)).toBe(100);
    expect(latencyQuantile(slots({ 3: 1 }), 0.99)).toBe(50);
    // Slower than the last bound: read as the last bound ("30 s or more").
    expect(latencyQuantile(slots({ [LATENCY_BOUNDS_MS.length]: 3 }), 0.5)).toBe(30_000);
    // A histogram shorter than the bounds (a minute from before a bound was added) reads the same.
    expect(latencyQuantile([0, 4], 0.5)).toBe(10);
  });
});

describe('humanDuration', () => {
  it('says a duration in its largest whole unit', () => {
    expect(humanDuration(5 * 86_400_000)).toBe('5 days');
    expect(humanDuration(3_600_000)).toBe('1 hour');
    expect(humanDuration(4000)).toBe('4 seconds');
    expect(humanDuration(1500)).toBe('1.5 seconds');
  });
});
