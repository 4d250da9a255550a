import { GONE_REASON, healthOfBatch, humanDuration, type AttemptNote } from './health';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const T = '00000000-0000-4000-8000-000000000001';

const note = (webhookId: string, at: number, outcome: 'delivered' | 'retry' | 'ended' | 410): AttemptNote => ({
  webhookId,
  tenantId: T,
  at,
  delivered: outcome === 'delivered',
  endedFailed: outcome === 'ended' || outcome === 410,
  status: outcome === 'delivered' ? 200 : outcome === 410 ? 410 : 503,
  error: null,
});

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
      { webhookId: A, minute: new Date(0).toISOString(), delivered: 1, failed: 1 },
      { webhookId: B, minute: new Date(0).toISOString(), delivered: 1, failed: 0 },
      { webhookId: B, minute: new Date(60_000).toISOString(), delivered: 1, failed: 0 },
    ]);
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
