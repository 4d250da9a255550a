import type { DataSource } from 'typeorm';

export interface DeliveryRow {
  deliveryId: string;
  tenantId: string;
  webhookId: string;
  factKind: string;
  factId: string;
  createdAt: string;
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
      `INSERT INTO delivery (delivery_id, tenant_id, webhook_id, fact_kind, fact_id, state, created_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6) ON CONFLICT (delivery_id) DO NOTHING`,
      [
        delivery.deliveryId,
        delivery.tenantId,
        delivery.webhookId,
        delivery.factKind,
        delivery.factId,
        delivery.createdAt,
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
