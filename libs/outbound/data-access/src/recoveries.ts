import type { DataSource, EntityManager } from 'typeorm';
import type { DeliveryState } from './delivery-history';
import { isoOrNull } from './row-time';

/** A delivery a recovery asks for again. */
export interface RecoveredDelivery {
  deliveryId: string;
  webhookId: string;
  factKind: string;
  factId: string;
  fact: Record<string, unknown>;
  createdAt: string;
}

/** A recovery being published, leased to one replica. */
export interface LeasedRecovery {
  recoveryId: string;
  tenantId: string;
  webhookId: string;
  total: number;
  requested: number;
  cursor: { createdAt: string; id: string } | null;
}

/** A recovery's progress, as `GET /api/v1/webhooks/:id/recoveries/:recoveryId` shows it. */
export interface RecoveryView {
  id: string;
  webhookId: string;
  since: string;
  status: DeliveryState[];
  createdAt: string;
  state: 'requesting' | 'sending' | 'done';
  total: number;
  requested: number;
  done: number;
  failed: number;
  pending: number;
  skipped: number;
}

// TypeORM answers an UPDATE with [rows, count], a SELECT with rows: every UPDATE … RETURNING here is
// wrapped in a CTE and read with a SELECT.

/**
 * Starts a recovery: in one transaction, every delivery of the webhook in one of `statuses` created
 * since `since` (up to `max`, oldest first) is claimed for it: put back to `pending` with a new retry
 * window and the recovery's id. The claim is what makes a recovery idempotent: a delivery claimed is
 * no longer `failed` or `skipped`, so the same recovery asked again (or two at once, `SKIP LOCKED`)
 * finds it no more, and each delivery is sent once. `more`: matching deliveries were left (over `max`).
 */
export async function startRecovery(
  db: DataSource,
  recovery: { recoveryId: string; tenantId: string; webhookId: string; since: string; statuses: DeliveryState[] },
  max: number,
): Promise<{ total: number; more: boolean }> {
  return db.transaction(async (manager: EntityManager) => {
    const claimed: Array<{ delivery_id: string }> = await manager.query(
      `WITH claim AS (
         SELECT delivery_id FROM delivery
          WHERE tenant_id = $2 AND webhook_id = $3 AND state = ANY($4::text[]) AND created_at >= $5
          ORDER BY created_at, delivery_id LIMIT $6 FOR UPDATE SKIP LOCKED)
       , claimed AS (
         UPDATE delivery d SET state = 'pending', first_attempt_at = NULL, next_attempt_at = now(), finished_at = NULL,
                recovery_id = $1
           FROM claim WHERE d.delivery_id = claim.delivery_id
         RETURNING d.delivery_id)
       SELECT delivery_id FROM claimed`,
      [recovery.recoveryId, recovery.tenantId, recovery.webhookId, recovery.statuses, recovery.since, max],
    );
    // Only a recovery that took its most can have left some (rows another one holds are not "more").
    const left: Array<{ more: boolean }> =
      claimed.length < max
        ? [{ more: false }]
        : await manager.query(
            `SELECT EXISTS (SELECT 1 FROM delivery WHERE tenant_id = $1 AND webhook_id = $2 AND state = ANY($3::text[])
                         AND created_at >= $4) AS more`,
            [recovery.tenantId, recovery.webhookId, recovery.statuses, recovery.since],
          );
    await manager.query(
      `INSERT INTO delivery_recovery (recovery_id, tenant_id, webhook_id, since, statuses, total, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6 = 0 THEN now() END)`,
      [recovery.recoveryId, recovery.tenantId, recovery.webhookId, recovery.since, recovery.statuses, claimed.length],
    );
    return { total: claimed.length, more: left[0].more };
  });
}

/**
 * Leases up to `limit` recoveries still being published to this replica (`owner`) for `leaseMs`: its
 * own again, or any whose lease ran out (its replica stopped). Others' live leases are skipped.
 */
export async function leaseRecoveries(
  db: DataSource,
  owner: string,
  leaseMs: number,
  limit: number,
): Promise<LeasedRecovery[]> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `WITH free AS (
       SELECT recovery_id FROM delivery_recovery
        WHERE finished_at IS NULL AND (lease_until IS NULL OR lease_until < now() OR lease_owner = $1)
        ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED
     ), leased AS (
       UPDATE delivery_recovery r SET lease_owner = $1, lease_until = now() + $2 * interval '1 millisecond'
         FROM free WHERE r.recovery_id = free.recovery_id
       RETURNING r.recovery_id, r.tenant_id, r.webhook_id, r.total, r.requested, r.cursor_at, r.cursor_id
     )
     SELECT * FROM leased`,
    [owner, leaseMs, limit],
  );
  return rows.map((row) => ({
    recoveryId: row.recovery_id as string,
    tenantId: row.tenant_id as string,
    webhookId: row.webhook_id as string,
    total: row.total as number,
    requested: row.requested as number,
    cursor: row.cursor_at ? { createdAt: isoOrNull(row.cursor_at)!, id: row.cursor_id as string } : null,
  }));
}

/** The next deliveries of a recovery to request, oldest first, after its cursor. */
export async function recoveryChunk(
  db: DataSource,
  recovery: LeasedRecovery,
  limit: number,
): Promise<RecoveredDelivery[]> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT delivery_id, webhook_id, fact_kind, fact_id, fact, created_at FROM delivery
      WHERE recovery_id = $1 AND ($2::timestamptz IS NULL OR (created_at, delivery_id) > ($2::timestamptz, $3::uuid))
      ORDER BY created_at, delivery_id LIMIT $4`,
    [recovery.recoveryId, recovery.cursor?.createdAt ?? null, recovery.cursor?.id ?? null, limit],
  );
  return rows.map((row) => ({
    deliveryId: row.delivery_id as string,
    webhookId: row.webhook_id as string,
    factKind: row.fact_kind as string,
    factId: row.fact_id as string,
    fact: (row.fact as Record<string, unknown> | null) ?? {},
    createdAt: isoOrNull(row.created_at)!,
  }));
}

/**
 * Moves a recovery's cursor past what was just requested (only while this replica holds its lease);
 * `finished` when nothing is left to request.
 */
export async function advanceRecovery(
  db: DataSource,
  owner: string,
  recovery: LeasedRecovery,
  requested: RecoveredDelivery[],
  finished: boolean,
): Promise<void> {
  const last = requested[requested.length - 1];
  await db.query(
    `UPDATE delivery_recovery
        SET requested = requested + $3, cursor_at = COALESCE($4, cursor_at), cursor_id = COALESCE($5, cursor_id),
            finished_at = CASE WHEN $6 THEN now() END, lease_until = CASE WHEN $6 THEN NULL ELSE lease_until END
      WHERE recovery_id = $1 AND lease_owner = $2`,
    [recovery.recoveryId, owner, requested.length, last?.createdAt ?? null, last?.deliveryId ?? null, finished],
  );
}

/** A recovery of the tenant's webhook with the state of each delivery it asked for. */
export async function recoveryProgress(
  db: DataSource,
  tenantId: string,
  webhookId: string,
  recoveryId: string,
): Promise<RecoveryView | null> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT r.*, c.* FROM delivery_recovery r,
            LATERAL (SELECT count(*) FILTER (WHERE state = 'delivered') AS done,
                            count(*) FILTER (WHERE state = 'failed') AS failed,
                            count(*) FILTER (WHERE state = 'pending') AS pending,
                            count(*) FILTER (WHERE state = 'skipped') AS skipped
                       FROM delivery WHERE recovery_id = r.recovery_id) c
      WHERE r.recovery_id = $1 AND r.tenant_id = $2 AND r.webhook_id = $3`,
    [recoveryId, tenantId, webhookId],
  );
  const row = rows[0];
  if (!row) return null;
  const requested = row.requested as number;
  const total = row.total as number;
  const pending = Number(row.pending);
  return {
    id: recoveryId,
    webhookId,
    since: isoOrNull(row.since)!,
    status: row.statuses as DeliveryState[],
    createdAt: isoOrNull(row.created_at)!,
    state: requested < total && row.finished_at === null ? 'requesting' : pending > 0 ? 'sending' : 'done',
    total,
    requested,
    done: Number(row.done),
    failed: Number(row.failed),
    pending,
    skipped: Number(row.skipped),
  };
}

/** Recoveries started before the cut-off go with the history they recovered. */
export async function purgeRecoveries(db: DataSource, before: Date): Promise<void> {
  await db.query(`DELETE FROM delivery_recovery WHERE created_at < $1`, [before.toISOString()]);
}
