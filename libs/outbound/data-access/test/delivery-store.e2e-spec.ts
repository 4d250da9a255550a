import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { openProjectionDataSource, projectionDataSourceOptions } from '@daalu/platform/projection';
import { createTestDatabase, type TestDatabase } from '@daalu/testing';
import {
  closeBatches,
  deliveryChart,
  DeliveryJournal,
  isDataError,
  minimalRecord,
  OUTBOUND_MIGRATIONS,
  purgeBatches,
  purgeDeliveries,
  queueBatchItems,
  type AttemptToRecord,
  type BatchItemRow,
} from '../src';

/** The dispatcher's tables on a real PostgreSQL: attempts numbered in batches, batches closed, history purged. */
describe('outbound delivery store', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const tenantId = uuidv7();

  beforeAll(async () => {
    db = await createTestDatabase('outbound_store');
    dataSource = await openProjectionDataSource({
      ...projectionDataSourceOptions({ url: db.url, schema: 'outbound', migrations: OUTBOUND_MIGRATIONS }),
      url: db.url,
      schema: 'outbound',
    });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const attempt = (deliveryId: string, state: 'pending' | 'delivered', status: number): AttemptToRecord => ({
    delivery: {
      deliveryId,
      tenantId,
      webhookId: uuidv7(),
      factKind: 'event.ingested',
      factId: uuidv7(),
      createdAt: new Date().toISOString(),
      fact: { id: deliveryId },
      factType: 'deploy.finished',
      summary: null,
    },
    attempt: {
      at: Date.now(),
      durationMs: 3,
      request: { headers: {}, body: '{}' },
      response: { status, headers: {}, body: '' },
      error: null,
    },
    next: { state, nextAttemptAt: state === 'pending' ? Date.now() + 1000 : null },
  });

  it('numbers the attempts of many deliveries recorded at once, and reads their progress together', async () => {
    const journal = new DeliveryJournal(dataSource);
    const ids = Array.from({ length: 40 }, () => uuidv7());
    // Each delivery twice (fail, then succeed): the second of one delivery never shares its batch.
    const numbers = await Promise.all(
      ids.flatMap((id) => [journal.record(attempt(id, 'pending', 503)), journal.record(attempt(id, 'delivered', 200))]),
    );
    expect(numbers).toEqual(ids.flatMap(() => [1, 2]));
    const progress = await Promise.all([...ids, uuidv7()].map((id) => journal.progress(id)));
    expect(progress.slice(0, 40).every((p) => p?.attempts === 2 && p.state === 'delivered')).toBe(true);
    expect(progress[40]).toBeNull();
    const [{ rows }] = await db.query<{ rows: number }>(
      `SELECT count(*)::int AS rows FROM outbound.delivery_attempt WHERE delivery_id = ANY($1::uuid[])`,
      [ids],
    );
    expect(rows).toBe(80);
  });

  it('one row PostgreSQL refuses fails its own caller only; the rest of its batch is committed once', async () => {
    const journal = new DeliveryJournal(dataSource);
    const ids = Array.from({ length: 60 }, () => uuidv7());
    const bad = new Set([ids[7], ids[33]]);
    // Submitted together, so in one statement: a timestamp PostgreSQL cannot read (22007) in two rows.
    const results = await Promise.allSettled(
      ids.map((id) => {
        const record = attempt(id, 'delivered', 200);
        if (bad.has(id)) record.delivery.createdAt = 'not a date';
        return journal.record(record);
      }),
    );
    results.forEach((result, i) => {
      if (bad.has(ids[i])) {
        expect(result.status).toBe('rejected');
        expect(isDataError((result as PromiseRejectedResult).reason)).toBe(true);
      } else expect(result).toEqual({ status: 'fulfilled', value: 1 });
    });
    const rows = await db.query<{ delivery_id: string; attempts: number; rows: number }>(
      `SELECT d.delivery_id, d.attempts, (SELECT count(*)::int FROM outbound.delivery_attempt a
               WHERE a.delivery_id = d.delivery_id) AS rows
         FROM outbound.delivery d WHERE d.delivery_id = ANY($1::uuid[])`,
      [ids],
    );
    expect(rows).toHaveLength(58);
    expect(rows.every((row) => row.attempts === 1 && row.rows === 1)).toBe(true);

    // The refused one, recorded minimally: it ends, with why.
    const refused = attempt(ids[7], 'delivered', 200);
    refused.delivery.createdAt = 'not a date';
    const reason = (results[7] as PromiseRejectedResult).reason;
    expect(await journal.record(minimalRecord(refused, reason))).toBe(1);
    const [progress] = await Promise.all([journal.progress(ids[7])]);
    expect(progress).toMatchObject({ attempts: 1, state: 'delivered' });
    const [{ error }] = await db.query<{ error: string }>(
      `SELECT error FROM outbound.delivery_attempt WHERE delivery_id = $1`,
      [ids[7]],
    );
    expect(error).toMatch(/could not be recorded in full \(22007: /);
  });

  it('stores text PostgreSQL refuses (NUL, lone surrogates) sanitized, wherever it is in a record', async () => {
    const journal = new DeliveryJournal(dataSource);
    const [dirty, clean] = [uuidv7(), uuidv7()];
    const record = attempt(dirty, 'delivered', 200);
    record.delivery.fact = { summary: 'a\u0000b', ['k\u0000']: ['\ud83d'] };
    record.attempt.request.body = 'x\udfff';
    record.attempt.response = { status: 200, headers: { 'x-a': 'v\u0000' }, body: '\u0000' };
    record.attempt.error = 'e\u0000';
    expect(await Promise.all([journal.record(record), journal.record(attempt(clean, 'delivered', 200))])).toEqual([
      1, 1,
    ]);
    const [row] = await db.query<{ fact: unknown; request: unknown; response: unknown; error: string }>(
      `SELECT d.fact, a.request, a.response, a.error FROM outbound.delivery d JOIN outbound.delivery_attempt a USING (delivery_id)
        WHERE d.delivery_id = $1`,
      [dirty],
    );
    expect(row).toEqual({
      fact: { summary: 'a\ufffdb', ['k\ufffd']: ['\ufffd'] },
      request: { headers: {}, body: 'x\ufffd' },
      response: { status: 200, headers: { 'x-a': 'v\ufffd' }, body: '\ufffd' },
      error: 'e\ufffd',
    });
  });

  it('closes a webhook’s full batches, the first early only when its time is up, and at the byte cap', async () => {
    const webhookId = uuidv7();
    const item = (seq: number, bytes = 10): BatchItemRow => ({
      webhookId,
      seq,
      tenantId,
      factKind: 'event.ingested',
      factId: uuidv7(),
      fact: JSON.stringify({ pad: 'x'.repeat(bytes) }),
    });
    const idOf = (webhook: string, firstSeq: number) => `00000000-0000-4000-8000-${String(firstSeq).padStart(12, '0')}`;
    await dataSource.transaction((manager) =>
      queueBatchItems(
        manager,
        [1, 2, 3, 4, 5, 6, 7].map((s) => item(s)),
      ),
    );
    // A replayed fact is queued once.
    await dataSource.transaction((manager) => queueBatchItems(manager, [item(7)]));

    const full = await closeBatches(dataSource, webhookId, { maxEvents: 3, maxBytes: 1e6, closeFirst: false }, idOf);
    expect(full.map((b) => b.size)).toEqual([3, 3]); // the 7th waits: not full, not due
    const due = await closeBatches(dataSource, webhookId, { maxEvents: 3, maxBytes: 1e6, closeFirst: true }, idOf);
    expect(due.map((b) => [b.batchId, b.size])).toEqual([[idOf(webhookId, 7), 1]]);

    await dataSource.transaction((manager) => queueBatchItems(manager, [item(8, 600), item(9, 600), item(10, 600)]));
    const capped = await closeBatches(
      dataSource,
      webhookId,
      { maxEvents: 10, maxBytes: 1300, closeFirst: false },
      idOf,
    );
    expect(capped.map((b) => b.size)).toEqual([2]); // 2 of ~610 bytes fit under 1,300; the third waits
  });

  it('keeps a latency histogram per webhook and minute, added slot by slot, and charts p50 and p99 per hour from it', async () => {
    const journal = new DeliveryJournal(dataSource);
    const webhookId = uuidv7();
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const [h3, h2, h1] = [hour - 3 * 3_600_000, hour - 2 * 3_600_000, hour - 3_600_000];
    /** One delivery's one attempt at `at`: answered after `durationMs`, or not answered (null: a timeout). */
    const attemptAt = (at: number, durationMs: number | null): AttemptToRecord => ({
      delivery: {
        deliveryId: uuidv7(),
        tenantId,
        webhookId,
        factKind: 'event.ingested',
        factId: uuidv7(),
        createdAt: new Date(at).toISOString(),
        fact: {},
        factType: 'deploy.finished',
        summary: null,
      },
      attempt: {
        at,
        durationMs: durationMs ?? 2000,
        request: { headers: {}, body: '{}' },
        response: durationMs === null ? null : { status: 200, headers: {}, body: '' },
        error: durationMs === null ? 'headers timeout' : null,
      },
      next:
        durationMs === null
          ? { state: 'pending', nextAttemptAt: at + 1000 }
          : { state: 'delivered', nextAttemptAt: null },
    });
    const fold = async (attempts: AttemptToRecord[]) => {
      await Promise.all(attempts.map((one) => journal.record(one)));
      await journal.flushHealth();
    };
    const times = (n: number, at: number, durationMs: number | null) =>
      Array.from({ length: n }, () => attemptAt(at, durationMs));

    // A minute counted before latency was kept: its attempts have no histogram.
    await db.query(
      `INSERT INTO outbound.webhook_delivery_minute (webhook_id, minute, delivered, failed) VALUES ($1, $2, 5, 0)`,
      [webhookId, new Date(h3 + 5 * 60_000).toISOString()],
    );
    // Two hours ago: 98 fast and 2 slow answers over three folds, two of them into the same minute, and
    // three timeouts (failed, no latency).
    await fold([...times(50, h2 + 10 * 60_000, 1.3), ...times(1, h2 + 10 * 60_000, 300)]);
    await fold([...times(40, h2 + 10 * 60_000 + 30_000, 0.8), ...times(3, h2 + 10 * 60_000, null)]);
    await fold([...times(8, h2 + 40 * 60_000, 2), ...times(1, h2 + 40 * 60_000, 280)]);
    // An hour ago: timeouts only.
    await fold(times(2, h1 + 59 * 60_000, null));
    // Into the minute from before: added to its empty histogram.
    await fold(times(1, h3 + 5 * 60_000, 20));

    const [{ counts }] = await db.query<{ counts: number[] }>(
      `SELECT latency_counts AS counts FROM outbound.webhook_delivery_minute WHERE webhook_id = $1 AND minute = $2`,
      [webhookId, new Date(h2 + 10 * 60_000).toISOString()],
    );
    expect(counts).toEqual([90, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);

    expect(await deliveryChart(dataSource, webhookId, 60)).toEqual([
      { at: new Date(h3).toISOString(), delivered: 6, failed: 0, p50Ms: 25, p99Ms: 25 },
      { at: new Date(h2).toISOString(), delivered: 100, failed: 3, p50Ms: 5, p99Ms: 500 },
      { at: new Date(h1).toISOString(), delivered: 0, failed: 2, p50Ms: null, p99Ms: null },
    ]);
  });

  it('purges deliveries, attempts and batches closed before the cut-off, and keeps the rest', async () => {
    const journal = new DeliveryJournal(dataSource);
    const [old, recent] = [uuidv7(), uuidv7()];
    await Promise.all([
      journal.record(attempt(old, 'delivered', 200)),
      journal.record(attempt(recent, 'delivered', 200)),
    ]);
    await db.query(`UPDATE outbound.delivery SET created_at = now() - interval '31 days' WHERE delivery_id = $1`, [
      old,
    ]);
    await db.query(`UPDATE outbound.delivery_batch SET closed_at = now() - interval '31 days'`);
    const cutoff = new Date(Date.now() - 30 * 86_400_000);
    await purgeDeliveries(dataSource, cutoff);
    await purgeBatches(dataSource, cutoff);

    const left = await db.query<{ delivery_id: string }>(
      `SELECT delivery_id FROM outbound.delivery WHERE delivery_id = ANY($1::uuid[])`,
      [[old, recent]],
    );
    expect(left.map((r) => r.delivery_id)).toEqual([recent]);
    const [{ attempts }] = await db.query<{ attempts: number }>(
      `SELECT count(*)::int AS attempts FROM outbound.delivery_attempt WHERE delivery_id = $1`,
      [old],
    );
    expect(attempts).toBe(0);
    const [{ batches, closedItems, openItems }] = await db.query<{
      batches: number;
      closedItems: number;
      openItems: number;
    }>(
      `SELECT (SELECT count(*)::int FROM outbound.delivery_batch) AS batches,
              (SELECT count(*)::int FROM outbound.batch_item WHERE batch_id IS NOT NULL) AS "closedItems",
              (SELECT count(*)::int FROM outbound.batch_item WHERE batch_id IS NULL) AS "openItems"`,
    );
    expect({ batches, closedItems, openItems }).toEqual({ batches: 0, closedItems: 0, openItems: 1 });
  });
});
