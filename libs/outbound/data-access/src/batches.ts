import type { DataSource, EntityManager } from 'typeorm';

/** A fact waiting for a batch-mode webhook's next POST. */
export interface BatchItemRow {
  webhookId: string;
  /** The fact's position in the EVENTS stream (orders a batch; with the webhook, the key). */
  seq: number;
  tenantId: string;
  factKind: string;
  factId: string;
  /** The fact as JSON text (its length is what the batch's byte cap counts). */
  fact: string;
}

/** A batch-mode webhook's facts not yet in a batch. */
export interface OpenBatch {
  webhookId: string;
  tenantId: string;
  size: number;
  bytes: number;
  oldestAt: number;
}

/** A closed batch whose delivery is still to be requested. */
export interface ClosedBatch {
  batchId: string;
  webhookId: string;
  tenantId: string;
  size: number;
  closedAt: string;
}

/** In the fan-out's transaction: queue facts for their webhooks' next batch (a replayed one is ignored). */
export async function queueBatchItems(manager: EntityManager, rows: BatchItemRow[]): Promise<void> {
  if (rows.length === 0) return;
  await manager.query(
    `INSERT INTO batch_item (webhook_id, seq, tenant_id, fact_kind, fact_id, fact, bytes)
     SELECT "webhookId", seq, "tenantId", "factKind", "factId", fact::jsonb, octet_length(fact)
       FROM json_to_recordset($1::json) AS x("webhookId" uuid, seq bigint, "tenantId" uuid, "factKind" text,
            "factId" uuid, fact text)
     ON CONFLICT (webhook_id, seq) DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

export async function openBatches(db: DataSource): Promise<OpenBatch[]> {
  const rows: Array<{ webhook_id: string; tenant_id: string; size: number; bytes: string; oldest_at: Date }> =
    await db.query(
      `SELECT webhook_id, tenant_id, count(*)::int AS size, sum(bytes) AS bytes, min(added_at) AS oldest_at
         FROM batch_item WHERE batch_id IS NULL GROUP BY webhook_id, tenant_id`,
    );
  return rows.map((row) => ({
    webhookId: row.webhook_id,
    tenantId: row.tenant_id,
    size: row.size,
    bytes: Number(row.bytes),
    oldestAt: row.oldest_at.getTime(),
  }));
}

/**
 * Closes a webhook's batches, oldest facts first: the first even if not full when `closeFirst` (its
 * time is up), and then every full one (`maxEvents` facts, or `maxBytes` of them; at least one fact).
 * The composition is committed before any delivery is requested, so a retried request sends the same
 * batch. One closer per webhook at a time (a transaction lock); another replica's try returns [].
 */
export async function closeBatches(
  db: DataSource,
  webhookId: string,
  limits: { maxEvents: number; maxBytes: number; closeFirst: boolean },
  batchIdOf: (webhookId: string, firstSeq: number) => string,
): Promise<ClosedBatch[]> {
  return db.transaction(async (manager) => {
    const [{ locked }]: Array<{ locked: boolean }> = await manager.query(
      `SELECT pg_try_advisory_xact_lock(hashtext('daalu.batch'), hashtext($1)) AS locked`,
      [webhookId],
    );
    if (!locked) return [];
    const closed: ClosedBatch[] = [];
    for (let first = true; ; first = false) {
      const items: Array<{ seq: string; tenant_id: string; running: string }> = await manager.query(
        `SELECT seq, tenant_id, sum(bytes) OVER (ORDER BY seq) AS running
           FROM batch_item WHERE webhook_id = $1 AND batch_id IS NULL ORDER BY seq LIMIT $2`,
        [webhookId, limits.maxEvents],
      );
      const fits = items.filter((item, i) => i === 0 || Number(item.running) <= limits.maxBytes);
      const full = fits.length === limits.maxEvents || fits.length < items.length;
      if (fits.length === 0 || !(full || (first && limits.closeFirst))) break;
      const firstSeq = Number(fits[0].seq);
      const lastSeq = Number(fits[fits.length - 1].seq);
      const batchId = batchIdOf(webhookId, firstSeq);
      await manager.query(
        `UPDATE batch_item SET batch_id = $2 WHERE webhook_id = $1 AND batch_id IS NULL AND seq BETWEEN $3 AND $4`,
        [webhookId, batchId, firstSeq, lastSeq],
      );
      const [row]: Array<{ closed_at: Date }> = await manager.query(
        `INSERT INTO delivery_batch (batch_id, webhook_id, tenant_id, size, closed_at) VALUES ($1, $2, $3, $4, now())
         RETURNING closed_at`,
        [batchId, webhookId, fits[0].tenant_id, fits.length],
      );
      closed.push({
        batchId,
        webhookId,
        tenantId: fits[0].tenant_id,
        size: fits.length,
        closedAt: row.closed_at.toISOString(),
      });
    }
    return closed;
  });
}

/** Closed batches whose delivery was not requested yet (a closer stopped between the two steps). */
export async function unrequestedBatches(db: DataSource, limit = 100): Promise<ClosedBatch[]> {
  const rows: Array<{ batch_id: string; webhook_id: string; tenant_id: string; size: number; closed_at: Date }> =
    await db.query(
      `SELECT batch_id, webhook_id, tenant_id, size, closed_at FROM delivery_batch WHERE NOT requested
        ORDER BY closed_at LIMIT $1`,
      [limit],
    );
  return rows.map((row) => ({
    batchId: row.batch_id,
    webhookId: row.webhook_id,
    tenantId: row.tenant_id,
    size: row.size,
    closedAt: row.closed_at.toISOString(),
  }));
}

export async function markBatchesRequested(db: DataSource, batchIds: string[]): Promise<void> {
  await db.query(`UPDATE delivery_batch SET requested = true WHERE batch_id = ANY($1::uuid[])`, [batchIds]);
}

/** A closed batch's facts, in log order (what its POST carries). */
export async function batchFacts(
  db: DataSource,
  batchId: string,
): Promise<Array<{ factKind: string; factId: string; fact: Record<string, unknown> }>> {
  const rows: Array<{ fact_kind: string; fact_id: string; fact: Record<string, unknown> }> = await db.query(
    `SELECT fact_kind, fact_id, fact FROM batch_item WHERE batch_id = $1 ORDER BY seq`,
    [batchId],
  );
  return rows.map((row) => ({ factKind: row.fact_kind, factId: row.fact_id, fact: row.fact }));
}

/** Facts waiting for a webhook that is gone or disabled: nothing will send them. */
export async function dropOpenItems(db: DataSource, webhookId: string): Promise<number> {
  const rows: unknown[] = await db.query(
    `DELETE FROM batch_item WHERE webhook_id = $1 AND batch_id IS NULL RETURNING seq`,
    [webhookId],
  );
  return rows.length;
}

/** Batches (and their facts) closed before the cut-off go, as the deliveries history does. */
export async function purgeBatches(db: DataSource, before: Date): Promise<void> {
  await db.query(
    `WITH old AS (DELETE FROM delivery_batch WHERE closed_at < $1 RETURNING batch_id)
     DELETE FROM batch_item WHERE batch_id IN (SELECT batch_id FROM old)`,
    [before.toISOString()],
  );
}
