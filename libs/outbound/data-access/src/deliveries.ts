import type { DataSource } from 'typeorm';

export interface DeliveryRow {
  deliveryId: string;
  tenantId: string;
  webhookId: string;
  factKind: string;
  factId: string;
  createdAt: string;
  /** The fact delivered (kept for a redeliver). */
  fact: Record<string, unknown>;
}

export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  at: number;
  durationMs: number;
  request: { headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string } | null;
  error: string | null;
}

/**
 * Records one attempt and where the delivery stands, in one transaction: the attempt number is the
 * delivery's count plus one (a redelivered message after a crash is a new attempt, numbered on).
 */
export async function recordAttempt(
  db: DataSource,
  delivery: DeliveryRow,
  attempt: Omit<AttemptRecord, 'attempt' | 'deliveryId'>,
  next: { state: 'pending' | 'delivered' | 'failed'; nextAttemptAt: number | null },
): Promise<{ attempt: number; firstAttemptAt: number }> {
  return db.transaction(async (manager) => {
    await manager.query(
      `INSERT INTO delivery (delivery_id, tenant_id, webhook_id, fact_kind, fact_id, state, created_at, fact)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7) ON CONFLICT (delivery_id) DO NOTHING`,
      [
        delivery.deliveryId,
        delivery.tenantId,
        delivery.webhookId,
        delivery.factKind,
        delivery.factId,
        delivery.createdAt,
        JSON.stringify(delivery.fact),
      ],
    );
    const [row]: Array<{ attempts: number; first_attempt_at: Date | null }> = await manager.query(
      `SELECT attempts, first_attempt_at FROM delivery WHERE delivery_id = $1 FOR UPDATE`,
      [delivery.deliveryId],
    );
    const number = row.attempts + 1;
    const firstAttemptAt = row.first_attempt_at?.getTime() ?? attempt.at;
    await manager.query(
      `INSERT INTO delivery_attempt (delivery_id, attempt, at, duration_ms, request, response, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        delivery.deliveryId,
        number,
        new Date(attempt.at).toISOString(),
        attempt.durationMs,
        JSON.stringify(attempt.request),
        attempt.response ? JSON.stringify(attempt.response) : null,
        attempt.error,
      ],
    );
    await manager.query(
      `UPDATE delivery SET attempts = $2, first_attempt_at = $3, state = $4, next_attempt_at = $5, last_status = $6,
              finished_at = CASE WHEN $4 = 'pending' THEN NULL ELSE $7::timestamptz END
        WHERE delivery_id = $1`,
      [
        delivery.deliveryId,
        number,
        new Date(firstAttemptAt).toISOString(),
        next.state,
        next.nextAttemptAt === null ? null : new Date(next.nextAttemptAt).toISOString(),
        attempt.response?.status ?? null,
        new Date(attempt.at).toISOString(),
      ],
    );
    return { attempt: number, firstAttemptAt };
  });
}

/** Where a delivery stands before an attempt: its attempts so far and when the first was. */
export async function deliveryProgress(
  db: DataSource,
  deliveryId: string,
): Promise<{ attempts: number; firstAttemptAt: number | null; state: string } | null> {
  const rows: Array<{ attempts: number; first_attempt_at: Date | null; state: string }> = await db.query(
    `SELECT attempts, first_attempt_at, state FROM delivery WHERE delivery_id = $1`,
    [deliveryId],
  );
  return rows[0]
    ? { attempts: rows[0].attempts, firstAttemptAt: rows[0].first_attempt_at?.getTime() ?? null, state: rows[0].state }
    : null;
}

/** One delivery with its attempts, as the webhook detail page shows it. */
export interface DeliveryView {
  id: string;
  state: 'pending' | 'delivered' | 'failed';
  factKind: string;
  factId: string;
  createdAt: string;
  attemptsCount: number;
  nextAttemptAt: string | null;
  finishedAt: string | null;
  attempts: Array<{
    attempt: number;
    at: string;
    durationMs: number;
    request: { headers: Record<string, string>; body: string };
    response: { status: number; headers: Record<string, string>; body: string } | null;
    error: string | null;
  }>;
}

/** A webhook's latest deliveries (newest first) with all their attempts. */
export async function latestDeliveries(
  db: DataSource,
  tenantId: string,
  webhookId: string,
  limit = 100,
): Promise<DeliveryView[]> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT d.*, COALESCE(json_agg(json_build_object(
              'attempt', a.attempt, 'at', a.at, 'durationMs', a.duration_ms, 'request', a.request,
              'response', a.response, 'error', a.error) ORDER BY a.attempt) FILTER (WHERE a.attempt IS NOT NULL), '[]') AS attempt_list
       FROM (SELECT * FROM delivery WHERE tenant_id = $1 AND webhook_id = $2 ORDER BY created_at DESC, delivery_id DESC LIMIT $3) d
       LEFT JOIN delivery_attempt a USING (delivery_id)
      GROUP BY d.delivery_id, d.tenant_id, d.webhook_id, d.fact_kind, d.fact_id, d.state, d.created_at, d.first_attempt_at,
               d.attempts, d.next_attempt_at, d.last_status, d.finished_at, d.fact
      ORDER BY d.created_at DESC, d.delivery_id DESC`,
    [tenantId, webhookId, limit],
  );
  const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);
  return rows.map((row) => ({
    id: row.delivery_id as string,
    state: row.state as DeliveryView['state'],
    factKind: row.fact_kind as string,
    factId: row.fact_id as string,
    createdAt: iso(row.created_at)!,
    attemptsCount: row.attempts as number,
    nextAttemptAt: row.state === 'pending' ? iso(row.next_attempt_at) : null,
    finishedAt: iso(row.finished_at),
    attempts: (row.attempt_list as DeliveryView['attempts']).map((a) => ({ ...a, at: iso(a.at)! })),
  }));
}

/** The tenant's delivery, if it is one (for redeliver). */
export async function findDelivery(
  db: DataSource,
  tenantId: string,
  deliveryId: string,
): Promise<{ webhookId: string; factKind: string; factId: string; fact: Record<string, unknown> } | null> {
  const rows: Array<{ webhook_id: string; fact_kind: string; fact_id: string; fact: Record<string, unknown> }> =
    await db.query(
      `SELECT webhook_id, fact_kind, fact_id, fact FROM delivery WHERE tenant_id = $1 AND delivery_id = $2`,
      [tenantId, deliveryId],
    );
  const row = rows[0];
  return row ? { webhookId: row.webhook_id, factKind: row.fact_kind, factId: row.fact_id, fact: row.fact } : null;
}

/** Puts a finished delivery back to pending (a redeliver), keeping its attempts. */
export async function reopenDelivery(db: DataSource, deliveryId: string): Promise<void> {
  await db.query(
    `UPDATE delivery SET state = 'pending', first_attempt_at = NULL, next_attempt_at = now(), finished_at = NULL WHERE delivery_id = $1`,
    [deliveryId],
  );
}

/** Deliveries (and their attempts) created before the cut-off go: the history keeps 30 days. */
export async function purgeDeliveries(db: DataSource, before: Date): Promise<number> {
  const rows: Array<{ delivery_id: string }> = await db.query(
    `WITH old AS (DELETE FROM delivery WHERE created_at < $1 RETURNING delivery_id)
     SELECT delivery_id FROM old`,
    [before.toISOString()],
  );
  if (rows.length > 0) {
    await db.query(`DELETE FROM delivery_attempt WHERE delivery_id = ANY($1::uuid[])`, [
      rows.map((r) => r.delivery_id),
    ]);
  }
  return rows.length;
}
