import type { DataSource } from 'typeorm';
import { isoOrNull } from './row-time';

export const DELIVERY_STATES = ['pending', 'delivered', 'failed', 'skipped'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** One delivery with its attempts, as the webhook detail page shows it. */
export interface DeliveryView {
  id: string;
  state: DeliveryState;
  factKind: string;
  factId: string;
  /** The event's type, else the fact's kind. */
  factType: string | null;
  /** The event or alert summary, or the proposal title. */
  summary: string | null;
  createdAt: string;
  attemptsCount: number;
  nextAttemptAt: string | null;
  finishedAt: string | null;
  recoveryId: string | null;
  attempts: Array<{
    attempt: number;
    at: string;
    durationMs: number;
    request: { headers: Record<string, string>; body: string };
    response: { status: number; headers: Record<string, string>; body: string } | null;
    error: string | null;
  }>;
}

/** Where a page of the history ends: the last row's creation time and id (a keyset, newest first). */
export interface HistoryCursor {
  createdAt: string;
  id: string;
}

/** Which deliveries of a webhook to find (every filter optional; all given must hold). */
export interface HistoryFilter {
  states?: DeliveryState[];
  /** A SQL LIKE pattern on the fact's type (from a `*` glob: `likePatternOfGlob`). */
  typeLike?: string;
  since?: string;
  until?: string;
  factId?: string;
  after?: HistoryCursor;
  limit: number;
}

/** A `*` glob (`deploy.*`) as a LIKE pattern: `*` is any run of characters, everything else literal. */
export function likePatternOfGlob(glob: string): string {
  return glob.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
}

/**
 * A webhook's deliveries, newest first, with all their attempts: the filters, then the page after the
 * cursor. One more row than the limit is read to know whether there is a next page.
 */
export async function findDeliveries(
  db: DataSource,
  tenantId: string,
  webhookId: string,
  filter: HistoryFilter,
): Promise<{ items: DeliveryView[]; next: HistoryCursor | null }> {
  const where = ['tenant_id = $1', 'webhook_id = $2'];
  const params: unknown[] = [tenantId, webhookId];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.states?.length) where.push(`state = ANY(${param(filter.states)}::text[])`);
  if (filter.typeLike !== undefined) where.push(`fact_type LIKE ${param(filter.typeLike)} ESCAPE '\\'`);
  if (filter.since !== undefined) where.push(`created_at >= ${param(filter.since)}`);
  if (filter.until !== undefined) where.push(`created_at < ${param(filter.until)}`);
  if (filter.factId !== undefined) where.push(`fact_id = ${param(filter.factId)}`);
  if (filter.after) {
    where.push(`(created_at, delivery_id) < (${param(filter.after.createdAt)}, ${param(filter.after.id)}::uuid)`);
  }
  const limit = param(filter.limit + 1);
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT d.delivery_id, d.state, d.fact_kind, d.fact_id, d.fact_type, d.summary, d.created_at, d.attempts,
            d.next_attempt_at, d.finished_at, d.recovery_id,
            COALESCE(json_agg(json_build_object(
              'attempt', a.attempt, 'at', a.at, 'durationMs', a.duration_ms, 'request', a.request,
              'response', a.response, 'error', a.error) ORDER BY a.attempt) FILTER (WHERE a.attempt IS NOT NULL), '[]') AS attempt_list
       FROM (SELECT * FROM delivery WHERE ${where.join(' AND ')}
              ORDER BY created_at DESC, delivery_id DESC LIMIT ${limit}) d
       LEFT JOIN delivery_attempt a USING (delivery_id)
      GROUP BY d.delivery_id, d.state, d.fact_kind, d.fact_id, d.fact_type, d.summary, d.created_at, d.attempts,
               d.next_attempt_at, d.finished_at, d.recovery_id
      ORDER BY d.created_at DESC, d.delivery_id DESC`,
    params,
  );
  const items = rows.slice(0, filter.limit).map((row): DeliveryView => ({
    id: row.delivery_id as string,
    state: row.state as DeliveryState,
    factKind: row.fact_kind as string,
    factId: row.fact_id as string,
    factType: (row.fact_type as string | null) ?? null,
    summary: (row.summary as string | null) ?? null,
    createdAt: isoOrNull(row.created_at)!,
    attemptsCount: row.attempts as number,
    nextAttemptAt: row.state === 'pending' ? isoOrNull(row.next_attempt_at) : null,
    finishedAt: isoOrNull(row.finished_at),
    recoveryId: (row.recovery_id as string | null) ?? null,
    attempts: (row.attempt_list as DeliveryView['attempts']).map((a) => ({ ...a, at: isoOrNull(a.at)! })),
  }));
  const last = items[items.length - 1];
  // created_at comes from the request's millisecond timestamp, so its ISO text is exact as a cursor.
  const next = rows.length > filter.limit && last ? { createdAt: last.createdAt, id: last.id } : null;
  return { items, next };
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
