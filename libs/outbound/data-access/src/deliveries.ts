import type { DataSource } from 'typeorm';
import { sanitizeText, stringifyStorable, truncateWithEllipsis } from '@daalu/shared/text';
import { batchFacts } from './batches';
import { GroupCommit } from './group-commit';
import { HealthLedger, noteOf } from './health';

export interface DeliveryRow {
  deliveryId: string;
  tenantId: string;
  webhookId: string;
  factKind: string;
  factId: string;
  createdAt: string;
  /** The fact delivered (kept for a redeliver). */
  fact: Record<string, unknown>;
  /** What it was about, for the history's filters: the event's type (else the fact's kind), its summary or title. */
  factType: string;
  summary: string | null;
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

/** Where a delivery stands before an attempt: its attempts so far, when the first was, its state. */
export interface DeliveryProgress {
  attempts: number;
  firstAttemptAt: number | null;
  state: string;
}

/** One attempt to record, with the delivery it belongs to and where the delivery stands after it. */
export interface AttemptToRecord {
  delivery: DeliveryRow;
  attempt: Omit<AttemptRecord, 'attempt' | 'deliveryId'>;
  next: { state: 'pending' | 'delivered' | 'failed'; nextAttemptAt: number | null };
}

/**
 * The dispatcher's reads and writes of deliveries, in batches (group commit): every attempt in flight
 * on a replica asks for its delivery's progress and records its outcome, and at hundreds of deliveries
 * a second one statement per batch instead of five per attempt is what keeps PostgreSQL off the
 * critical path. A caller's promise settles when its own row is read or committed, so a delivery is
 * acked only once its attempt is stored.
 */
export class DeliveryJournal {
  private readonly reads: GroupCommit<string, DeliveryProgress | null>;
  private readonly writes: GroupCommit<AttemptToRecord, number>;
  private readonly skips: GroupCommit<DeliveryRow, void>;
  /** The recorded attempts' outcomes, folded into each webhook's health by `flushHealth` (health.ts). */
  private readonly health: HealthLedger;

  constructor(private readonly db: DataSource) {
    this.health = new HealthLedger(db);
    this.reads = new GroupCommit((ids) => this.readProgress(ids), { maxBatch: 500, maxConcurrent: 2 });
    this.writes = new GroupCommit((attempts) => this.recordAttempts(attempts), {
      maxBatch: 250,
      maxConcurrent: 2,
      keyOf: (attempt) => attempt.delivery.deliveryId,
      // A row PostgreSQL refuses fails its own caller only: the rest of the batch is committed.
      isolate: isDataError,
    });
    this.skips = new GroupCommit((rows) => this.recordSkipped(rows), {
      maxBatch: 500,
      maxConcurrent: 1,
      keyOf: (row) => row.deliveryId,
      isolate: isDataError,
    });
  }

  private async recordSkipped(deliveries: DeliveryRow[]): Promise<void[]> {
    await this.db.query(
      `INSERT INTO delivery AS d (delivery_id, tenant_id, webhook_id, fact_kind, fact_id, state, created_at, fact,
              attempts, finished_at, fact_type, summary)
       SELECT "deliveryId", "tenantId", "webhookId", "factKind", "factId", 'skipped', "createdAt", fact,
              0, now(), "factType", summary
         FROM json_to_recordset($1::json) AS x("deliveryId" uuid, "tenantId" uuid, "webhookId" uuid,
              "factKind" text, "factId" uuid, "createdAt" timestamptz, fact jsonb, "factType" text, summary text)
       ON CONFLICT (delivery_id) DO UPDATE SET state = 'skipped', next_attempt_at = NULL, finished_at = now()
        WHERE d.state = 'pending'`,
      [stringifyStorable(deliveries)],
    );
    return deliveries.map(() => undefined);
  }

  /**
   * Records a delivery of a disabled webhook as `skipped`, unsent (kept so that enabling the webhook and
   * recovering can send it). A delivery already pending (waiting for a retry) becomes skipped too.
   */
  skip(delivery: DeliveryRow): Promise<void> {
    return this.skips.submit(delivery);
  }

  /** Folds the attempts recorded since the last call into the webhooks' health (once a second). */
  flushHealth(): Promise<void> {
    return this.health.flush();
  }

  progress(deliveryId: string): Promise<DeliveryProgress | null> {
    return this.reads.submit(deliveryId);
  }

  /** A batch delivery's facts, in log order. */
  batchFacts(batchId: string): ReturnType<typeof batchFacts> {
    return batchFacts(this.db, batchId);
  }

  /**
   * Records the attempt and where the delivery stands; resolves with the attempt's number once
   * committed. Rejects with the database's error: a row it refuses (`isDataError`) rejects this
   * caller alone, never the others recorded in the same statement.
   */
  record(attempt: AttemptToRecord): Promise<number> {
    return this.writes.submit(attempt);
  }

  private async readProgress(ids: string[]): Promise<Array<DeliveryProgress | null>> {
    const rows: Array<{ delivery_id: string; attempts: number; first_attempt_at: Date | null; state: string }> =
      await this.db.query(
        `SELECT delivery_id, attempts, first_attempt_at, state FROM delivery WHERE delivery_id = ANY($1::uuid[])`,
        [[...new Set(ids)]],
      );
    const byId = new Map(rows.map((row) => [row.delivery_id, row]));
    return ids.map((id) => {
      const row = byId.get(id);
      return row
        ? { attempts: row.attempts, firstAttemptAt: row.first_attempt_at?.getTime() ?? null, state: row.state }
        : null;
    });
  }

  /**
   * One statement for the batch: each delivery is created at its first attempt or counted on (a message
   * redelivered after a crash is a new attempt, numbered on), and each attempt is inserted under the
   * number its delivery's row got. The rows go as one JSON text, expanded by json_to_recordset; text
   * PostgreSQL would refuse in it (a NUL or a lone surrogate, in a fact that reached the log before the
   * edges checked, or in a receiver's reply) is sanitized first, so that the write cannot fail on it.
   */
  private async recordAttempts(attempts: AttemptToRecord[]): Promise<number[]> {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const rows = attempts.map(({ delivery, attempt, next }) => ({
      deliveryId: delivery.deliveryId,
      tenantId: delivery.tenantId,
      webhookId: delivery.webhookId,
      factKind: delivery.factKind,
      factId: delivery.factId,
      createdAt: delivery.createdAt,
      fact: delivery.fact,
      factType: delivery.factType,
      summary: delivery.summary,
      at: iso(attempt.at),
      durationMs: attempt.durationMs,
      request: attempt.request,
      response: attempt.response,
      error: attempt.error,
      state: next.state,
      nextAttemptAt: iso(next.nextAttemptAt),
      lastStatus: attempt.response?.status ?? null,
    }));
    const numbered: Array<{ delivery_id: string; attempt: number }> = await this.db.query(
      `WITH input AS (
         SELECT * FROM json_to_recordset($1::json) AS x("deliveryId" uuid, "tenantId" uuid, "webhookId" uuid,
                "factKind" text, "factId" uuid, "createdAt" timestamptz, fact jsonb, at timestamptz,
                "durationMs" real, request jsonb, response jsonb, error text, state text,
                "nextAttemptAt" timestamptz, "lastStatus" integer, "factType" text, summary text)
       ), counted AS (
         INSERT INTO delivery AS d (delivery_id, tenant_id, webhook_id, fact_kind, fact_id, state, created_at, fact,
                first_attempt_at, attempts, next_attempt_at, last_status, finished_at, fact_type, summary)
         SELECT "deliveryId", "tenantId", "webhookId", "factKind", "factId", state, "createdAt", fact,
                at, 1, "nextAttemptAt", "lastStatus", CASE WHEN state = 'pending' THEN NULL ELSE at END,
                "factType", summary
           FROM input
         ON CONFLICT (delivery_id) DO UPDATE SET
                attempts = d.attempts + 1,
                first_attempt_at = COALESCE(d.first_attempt_at, excluded.first_attempt_at),
                state = excluded.state, next_attempt_at = excluded.next_attempt_at,
                last_status = excluded.last_status, finished_at = excluded.finished_at
         RETURNING delivery_id, attempts
       )
       INSERT INTO delivery_attempt (delivery_id, attempt, at, duration_ms, request, response, error)
       SELECT i."deliveryId", c.attempts, i.at, i."durationMs", i.request, i.response, i.error
         FROM input i JOIN counted c ON c.delivery_id = i."deliveryId"
       RETURNING delivery_id, attempt`,
      [stringifyStorable(rows)],
    );
    this.health.note(attempts.map(noteOf));
    const byId = new Map(numbered.map((row) => [row.delivery_id, row.attempt]));
    return attempts.map((attempt) => byId.get(attempt.delivery.deliveryId)!);
  }
}

/**
 * Whether a database error comes from the values written (PostgreSQL's SQLSTATE class 22, data
 * exception, e.g. 22P05 an untranslatable character or 22021 a byte sequence invalid in UTF-8; class
 * 23, integrity constraint violation; 54000, a value over a limit), so that writing the same values
 * again fails again. Anything else (08 connection, 40001 serialization, 53 resources, 57P01 shutdown,
 * a refused or reset connection without a SQLSTATE) may pass on a later try.
 */
export function isDataError(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23') || code === '54000');
}

function sqlState(error: unknown): string | undefined {
  const err = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = err?.code ?? err?.driverError?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Error text kept in an attempt's record, at most (characters). */
const MAX_ERROR_CHARS = 2000;

/** Text for an attempt's `error`: storable whatever it came from, and short. */
export function recordableError(text: string): string {
  return truncateWithEllipsis(sanitizeText(text), MAX_ERROR_CHARS);
}

/**
 * What is recorded of an attempt whose full record PostgreSQL refused: the delivery's ids and outcome,
 * why the rest is missing, and nothing of the fact, the request body or the response. It ends the
 * delivery: `delivered` if it was, else `failed` (retrying would only produce another record that
 * cannot be written).
 */
export function minimalRecord(attempt: AttemptToRecord, error: unknown): AttemptToRecord {
  const { delivery } = attempt;
  const reason = `the attempt could not be recorded in full (${sqlState(error) ?? 'error'}: ${
    (error as Error)?.message ?? String(error)
  })`;
  const createdAt = Number.isNaN(Date.parse(delivery.createdAt))
    ? new Date(attempt.attempt.at).toISOString()
    : delivery.createdAt;
  const status = attempt.attempt.response?.status;
  return {
    delivery: {
      ...delivery,
      factKind: sanitizeText(delivery.factKind),
      factType: sanitizeText(delivery.factType),
      summary: null,
      createdAt,
      fact: {},
    },
    attempt: {
      at: attempt.attempt.at,
      durationMs: Number.isFinite(attempt.attempt.durationMs) ? attempt.attempt.durationMs : 0,
      request: { headers: {}, body: '' },
      response: typeof status === 'number' ? { status, headers: {}, body: '' } : null,
      error: recordableError(attempt.attempt.error ? `${attempt.attempt.error}; ${reason}` : reason),
    },
    next: { state: attempt.next.state === 'delivered' ? 'delivered' : 'failed', nextAttemptAt: null },
  };
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
