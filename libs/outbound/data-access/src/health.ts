import type { DataSource, EntityManager } from 'typeorm';
import { stringifyStorable } from '@daalu/shared/text';
import type { AttemptToRecord } from './deliveries';
import { isoOrNull } from './row-time';

/** A receiver's state: `failing` once a delivery ended failed, until the next success. */
export type HealthState = 'healthy' | 'failing' | 'disabled';

/** What a batch of recorded attempts tells about one webhook's health (see `HEALTH_UPSERT`). */
export interface WebhookHealthInput {
  webhookId: string;
  tenantId: string;
  /** `disabled` on a 410 Gone, `failing` when a delivery ended failed, else `healthy`; all since the last success. */
  state: HealthState;
  /** Failed attempts after the batch's last success (all of them when it has none). */
  failuresAfterSuccess: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  /** The first failed attempt after the batch's last success. */
  failingFrom: string | null;
  lastError: string | null;
  lastStatus: number | null;
  disabledReason: string | null;
}

/**
 * The latency histogram's bounds (ms): slot i counts answered attempts that took at most
 * LATENCY_BOUNDS_MS[i] (and more than the bound before); the slot after the last counts those slower
 * than 30 s. Fixed, so that minutes add up slot by slot (a bound added later goes at the end).
 */
export const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000] as const;

/** Slots of a latency histogram: one per bound, and one for anything slower than the last. */
export const LATENCY_SLOTS = LATENCY_BOUNDS_MS.length + 1;

/** The slot of a latency histogram an attempt of `durationMs` counts in. */
export function latencySlot(durationMs: number): number {
  const slot = LATENCY_BOUNDS_MS.findIndex((bound) => durationMs <= bound);
  return slot === -1 ? LATENCY_BOUNDS_MS.length : slot;
}

/**
 * The `q` quantile (0.5 for the median) of a latency histogram, as an upper bound: the bound of the
 * slot where the cumulative count first reaches q of the total, so that at least q of the attempts took
 * at most that many ms. The last slot has no upper bound: it reads as the last bound (30,000), which
 * there means "30 s or more". Null when the histogram counts nothing.
 */
export function latencyQuantile(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let cumulative = 0;
  for (const [slot, n] of counts.entries()) {
    cumulative += n;
    if (cumulative >= rank) return LATENCY_BOUNDS_MS[Math.min(slot, LATENCY_BOUNDS_MS.length - 1)];
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
}

/** Attempts of one webhook in one minute, by outcome, and the answered ones by latency. */
export interface MinuteInput {
  webhookId: string;
  minute: string;
  delivered: number;
  failed: number;
  /** Answered attempts per slot of LATENCY_BOUNDS_MS (LATENCY_SLOTS counts). */
  latency: number[];
}

/** Why a 410 disables a webhook: the receiver said the URL is gone for good (Standard Webhooks). */
export const GONE_REASON = 'the receiver answered 410 Gone';

/** What health bookkeeping needs of one recorded attempt (not its bodies). */
export interface AttemptNote {
  webhookId: string;
  tenantId: string;
  at: number;
  delivered: boolean;
  /** The delivery's last attempt failed: it ended `failed`. */
  endedFailed: boolean;
  status: number | null;
  error: string | null;
  /**
   * How long the receiver took to answer; null when it did not (a timeout, a refused or reset
   * connection, a delivery failed unsent). Those count as failed attempts but not in the latency: a
   * timeout's duration is the timeout setting, a refusal's next to nothing, and either would pass for
   * the receiver's speed.
   */
  durationMs: number | null;
}

export function noteOf({ delivery, attempt, next }: AttemptToRecord): AttemptNote {
  return {
    webhookId: delivery.webhookId,
    tenantId: delivery.tenantId,
    at: attempt.at,
    delivered: next.state === 'delivered',
    endedFailed: next.state === 'failed',
    status: attempt.response?.status ?? null,
    error: attempt.error,
    durationMs: attempt.response ? attempt.durationMs : null,
  };
}

/**
 * Health bookkeeping of recorded attempts, per webhook, in the order the attempts were made. A
 * delivered attempt is a success; any other (to be retried, or the delivery's last) is a failure.
 * Rows come sorted by webhook (and minute), so that concurrent writers lock them in one order.
 */
export function healthOfBatch(notes: AttemptNote[]): { webhooks: WebhookHealthInput[]; minutes: MinuteInput[] } {
  const byWebhook = new Map<string, WebhookHealthInput>();
  const minutes = new Map<string, MinuteInput>();
  const ordered = [...notes].sort((a, b) => a.at - b.at);
  for (const note of ordered) {
    const at = new Date(note.at).toISOString();
    let health = byWebhook.get(note.webhookId);
    if (!health) {
      health = {
        webhookId: note.webhookId,
        tenantId: note.tenantId,
        state: 'healthy',
        failuresAfterSuccess: 0,
        lastSuccessAt: null,
        lastFailureAt: null,
        failingFrom: null,
        lastError: null,
        lastStatus: null,
        disabledReason: null,
      };
      byWebhook.set(note.webhookId, health);
    }
    health.lastStatus = note.status;
    if (note.delivered) {
      health.lastSuccessAt = at;
      health.failuresAfterSuccess = 0;
      health.failingFrom = null;
      health.state = 'healthy';
      health.disabledReason = null;
    } else {
      health.lastFailureAt = at;
      health.failuresAfterSuccess++;
      health.failingFrom ??= at;
      health.lastError = note.error ?? `HTTP ${note.status ?? 'error'}`;
      if (note.status === 410) {
        health.state = 'disabled';
        health.disabledReason = GONE_REASON;
      } else if (note.endedFailed && health.state === 'healthy') health.state = 'failing';
    }
    const minute = new Date(Math.floor(note.at / 60_000) * 60_000).toISOString();
    const key = `${note.webhookId}|${minute}`;
    const row = minutes.get(key) ?? {
      webhookId: note.webhookId,
      minute,
      delivered: 0,
      failed: 0,
      latency: new Array<number>(LATENCY_SLOTS).fill(0),
    };
    if (note.delivered) row.delivered++;
    else row.failed++;
    if (note.durationMs !== null && Number.isFinite(note.durationMs)) row.latency[latencySlot(note.durationMs)]++;
    minutes.set(key, row);
  }
  const byKey =
    <T>(key: (row: T) => string) =>
    (a: T, b: T) =>
      key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
  return {
    webhooks: [...byWebhook.values()].sort(byKey((row) => row.webhookId)),
    minutes: [...minutes.values()].sort(byKey((row) => `${row.webhookId}|${row.minute}`)),
  };
}

/** Notes kept at most between flushes (a database down for long): the oldest go first, with a warning. */
const MAX_NOTES = 200_000;

/**
 * Health bookkeeping, apart from the attempts' own records: each replica notes the outcomes it
 * recorded and folds them into `webhook_health` and `webhook_delivery_minute` once a second, in one
 * statement. Kept in the attempts' statement instead, two concurrent batches touching the same
 * webhooks' rows waited on each other's row locks, and the dispatcher lost its group commits'
 * concurrency. A flush that fails keeps its notes for the next one; what a replica that dies had not
 * flushed (a second of counts) is missing from the rates, never from the history.
 */
export class HealthLedger {
  private notes: AttemptNote[] = [];

  constructor(private readonly db: DataSource) {}

  note(notes: AttemptNote[]): void {
    for (const note of notes) this.notes.push(note);
    if (this.notes.length > MAX_NOTES) this.notes.splice(0, this.notes.length - MAX_NOTES);
  }

  async flush(): Promise<void> {
    if (this.notes.length === 0) return;
    const notes = this.notes;
    this.notes = [];
    const health = healthOfBatch(notes);
    try {
      await this.db.query(`WITH ${HEALTH_CTES} SELECT (SELECT count(*) FROM health) + (SELECT count(*) FROM minutes)`, [
        stringifyStorable(health.webhooks),
        JSON.stringify(health.minutes),
      ]);
    } catch (error) {
      this.notes = notes.concat(this.notes); // kept for the next flush, in order
      throw error;
    }
  }
}

/**
 * CTEs that fold notes into `webhook_health` and `webhook_delivery_minute` (parameters $1 and $2, JSON
 * of `healthOfBatch`). A disabled webhook stays disabled until its owner enables it again
 * (`resetHealth`); the state's changes are numbered by a trigger.
 */
export const HEALTH_CTES = `
  health_input AS (
    SELECT * FROM json_to_recordset($1::json) AS w("webhookId" uuid, "tenantId" uuid, state text,
           "failuresAfterSuccess" integer, "lastSuccessAt" timestamptz, "lastFailureAt" timestamptz,
           "failingFrom" timestamptz, "lastError" text, "lastStatus" integer, "disabledReason" text)
  ), health AS (
    INSERT INTO webhook_health AS h (webhook_id, tenant_id, state, consecutive_failures, last_success_at,
           last_failure_at, failing_since, last_error, last_status, disabled_reason, disabled_at)
    SELECT "webhookId", "tenantId", state, "failuresAfterSuccess", "lastSuccessAt", "lastFailureAt",
           "failingFrom", "lastError", "lastStatus", "disabledReason",
           CASE WHEN state = 'disabled' THEN now() END
      FROM health_input
    ON CONFLICT (webhook_id) DO UPDATE SET
      state = CASE WHEN h.state = 'disabled' OR excluded.state = 'disabled' THEN 'disabled'
                   WHEN excluded.state = 'failing' THEN 'failing'
                   WHEN excluded.last_success_at IS NOT NULL THEN 'healthy'
                   ELSE h.state END,
      consecutive_failures = CASE WHEN excluded.last_success_at IS NOT NULL THEN excluded.consecutive_failures
                                  ELSE h.consecutive_failures + excluded.consecutive_failures END,
      failing_since = CASE WHEN excluded.last_success_at IS NOT NULL THEN excluded.failing_since
                           ELSE COALESCE(h.failing_since, excluded.failing_since) END,
      last_success_at = GREATEST(h.last_success_at, excluded.last_success_at),
      last_failure_at = GREATEST(h.last_failure_at, excluded.last_failure_at),
      last_error = COALESCE(excluded.last_error, h.last_error),
      last_status = COALESCE(excluded.last_status, h.last_status),
      disabled_reason = CASE WHEN h.state = 'disabled' THEN h.disabled_reason ELSE excluded.disabled_reason END,
      disabled_at = CASE WHEN h.state = 'disabled' THEN h.disabled_at ELSE excluded.disabled_at END
    RETURNING 1
  ), minutes AS (
    INSERT INTO webhook_delivery_minute AS m (webhook_id, minute, delivered, failed, latency_counts)
    SELECT "webhookId", minute, delivered, failed, latency
      FROM json_to_recordset($2::json) AS x("webhookId" uuid, minute timestamptz, delivered integer, failed integer,
           latency integer[])
    ON CONFLICT (webhook_id, minute) DO UPDATE SET
      delivered = m.delivered + excluded.delivered, failed = m.failed + excluded.failed,
      -- Slot by slot; the shorter array (a minute from before latency was kept, or before a bound was
      -- added) is padded with nulls.
      latency_counts = ARRAY(SELECT COALESCE(a, 0) + COALESCE(b, 0)
                               FROM unnest(m.latency_counts, excluded.latency_counts) WITH ORDINALITY AS u(a, b, slot)
                              ORDER BY slot)
    RETURNING 1
  )`;

/** A webhook's health as the API shows it. */
export interface HealthView {
  state: HealthState;
  consecutiveFailures: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
  lastStatus: number | null;
  failingSince: string | null;
  disabledReason: string | null;
  disabledAt: string | null;
  successRate1h: number | null;
  successRate24h: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
}

/** Attempts whose durations give p50 and p99: the latest this many of the last 24 hours. */
const PERCENTILE_SAMPLE = 1000;

/** Health of the given webhooks (one statement); a webhook never attempted is healthy with nulls. */
export async function readHealth(
  db: DataSource,
  tenantId: string,
  webhookIds: string[],
): Promise<Map<string, HealthView>> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT w.id AS webhook_id, h.*, r.*, p.*
       FROM unnest($2::uuid[]) AS w(id)
       LEFT JOIN webhook_health h ON h.webhook_id = w.id AND h.tenant_id = $1
       LEFT JOIN LATERAL (
         SELECT sum(delivered) FILTER (WHERE minute >= now() - interval '1 hour') AS delivered_1h,
                sum(failed) FILTER (WHERE minute >= now() - interval '1 hour') AS failed_1h,
                sum(delivered) AS delivered_24h, sum(failed) AS failed_24h
           FROM webhook_delivery_minute WHERE webhook_id = w.id AND minute >= now() - interval '24 hours') r ON true
       LEFT JOIN LATERAL (
         SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms) AS p99
           FROM (SELECT a.duration_ms FROM delivery d JOIN delivery_attempt a USING (delivery_id)
                  WHERE d.webhook_id = w.id AND d.created_at >= now() - interval '24 hours' AND a.duration_ms > 0
                  ORDER BY d.created_at DESC LIMIT ${PERCENTILE_SAMPLE}) s) p ON true`,
    [tenantId, webhookIds],
  );
  const rate = (ok: unknown, failed: unknown) => {
    const total = Number(ok ?? 0) + Number(failed ?? 0);
    return total === 0 ? null : Math.round((Number(ok ?? 0) / total) * 10_000) / 10_000;
  };
  const ms = (value: unknown) => (value === null || value === undefined ? null : Math.round(Number(value)));
  return new Map(
    rows.map((row) => [
      row.webhook_id as string,
      {
        state: ((row.state as HealthState | null) ?? 'healthy') as HealthState,
        consecutiveFailures: (row.consecutive_failures as number | null) ?? 0,
        lastSuccessAt: isoOrNull(row.last_success_at),
        lastFailureAt: isoOrNull(row.last_failure_at),
        lastError: (row.last_error as string | null) ?? null,
        lastStatus: (row.last_status as number | null) ?? null,
        failingSince: isoOrNull(row.failing_since),
        disabledReason: (row.disabled_reason as string | null) ?? null,
        disabledAt: isoOrNull(row.disabled_at),
        successRate1h: rate(row.delivered_1h, row.failed_1h),
        successRate24h: rate(row.delivered_24h, row.failed_24h),
        p50Ms: ms(row.p50),
        p99Ms: ms(row.p99),
      },
    ]),
  );
}

/** One bucket of a webhook's chart. */
export interface DeliveryChartBucket {
  at: string;
  delivered: number;
  failed: number;
  /** Upper bounds of the answered attempts' median and 99th percentile (latencyQuantile); null when none. */
  p50Ms: number | null;
  p99Ms: number | null;
}

/**
 * Attempts of one webhook per bucket over the last 24 hours (the detail page's chart), with their
 * latency read from the minutes' histograms summed slot by slot: at most 1,440 rows of the webhook,
 * however many attempts they count (the attempts themselves are never scanned).
 */
export async function deliveryChart(
  db: DataSource,
  webhookId: string,
  bucketMinutes: number,
): Promise<DeliveryChartBucket[]> {
  const rows: Array<{ at: Date; delivered: string; failed: string; latency: string[] | null }> = await db.query(
    `WITH m AS (
       SELECT to_timestamp(floor(extract(epoch FROM minute) / ($2 * 60)) * $2 * 60) AS at,
              delivered, failed, latency_counts
         FROM webhook_delivery_minute
        WHERE webhook_id = $1 AND minute >= now() - interval '24 hours'
     ), slots AS (
       SELECT at, slot, sum(n) AS n
         FROM m, unnest(m.latency_counts) WITH ORDINALITY AS u(n, slot)
        GROUP BY at, slot
     )
     SELECT at, sum(delivered) AS delivered, sum(failed) AS failed,
            (SELECT array_agg(s.n ORDER BY s.slot) FROM slots s WHERE s.at = m.at) AS latency
       FROM m GROUP BY at ORDER BY at`,
    [webhookId, bucketMinutes],
  );
  return rows.map((row) => {
    const latency = (row.latency ?? []).map(Number);
    return {
      at: new Date(row.at).toISOString(),
      delivered: Number(row.delivered),
      failed: Number(row.failed),
      p50Ms: latencyQuantile(latency, 0.5),
      p99Ms: latencyQuantile(latency, 0.99),
    };
  });
}

/** A webhook Daalu disabled, enabled again by its owner, starts healthy; that is not news (no fact tells it). */
export async function resetHealth(db: DataSource, webhookId: string): Promise<void> {
  await db.query(
    `UPDATE webhook_health SET state = 'healthy', notified_state = 'healthy', consecutive_failures = 0,
            failing_since = NULL, disabled_reason = NULL, disabled_at = NULL
      WHERE webhook_id = $1 AND state = 'disabled'`,
    [webhookId],
  );
}

/** A deleted webhook's health goes with it. */
export async function forgetHealth(db: DataSource, webhookId: string): Promise<void> {
  await db.query(`DELETE FROM webhook_health WHERE webhook_id = $1`, [webhookId]);
}

/**
 * Disables the webhooks whose attempts have failed, without a success, for at least `afterMs` (the
 * failures span it: a webhook that failed once and then saw no traffic is not disabled for it). One
 * statement: of replicas doing this at once, each webhook is disabled by one.
 */
export async function disableLongFailing(
  db: DataSource,
  afterMs: number,
): Promise<Array<{ webhookId: string; tenantId: string }>> {
  const rows: Array<{ webhook_id: string; tenant_id: string }> = await db.query(
    // (An UPDATE read as a SELECT: TypeORM answers a bare UPDATE … RETURNING with [rows, count].)
    `WITH disabled AS (
       UPDATE webhook_health
          SET state = 'disabled', disabled_at = now(),
              disabled_reason = 'every delivery failed for ' || $2::text || ' (since ' ||
                                to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ')'
        WHERE state = 'failing' AND last_failure_at - failing_since >= $1 * interval '1 millisecond'
        RETURNING webhook_id, tenant_id)
     SELECT * FROM disabled`,
    [afterMs, humanDuration(afterMs)],
  );
  return rows.map((row) => ({ webhookId: row.webhook_id, tenantId: row.tenant_id }));
}

/** `5 days`, `2 hours`, `30 seconds`: how long, in words. */
export function humanDuration(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${name}${ms / size === 1 ? '' : 's'}`;
  }
  return `${ms / 1000} seconds`;
}

/** A change of state not yet told on the timeline. */
export interface UnnotifiedChange {
  webhookId: string;
  tenantId: string;
  state: HealthState;
  transitionSeq: number;
  consecutiveFailures: number;
  lastError: string | null;
  lastStatus: number | null;
  lastSuccessAt: string | null;
  failingSince: string | null;
  disabledReason: string | null;
}

/**
 * Runs `tell` for each change of state not yet told (up to `limit`), each row locked so that one
 * replica tells it (`SKIP LOCKED`: the others take other rows), and marks it told when `tell` returned.
 * One that throws is left for a later call (`onError` says why); the rest are told.
 */
export async function tellUnnotified(
  db: DataSource,
  limit: number,
  tell: (change: UnnotifiedChange) => Promise<void>,
  onError: (change: UnnotifiedChange, error: unknown) => void,
): Promise<number> {
  return db.transaction(async (manager: EntityManager) => {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `SELECT * FROM webhook_health WHERE state <> notified_state ORDER BY webhook_id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    let told = 0;
    for (const row of rows) {
      const change: UnnotifiedChange = {
        webhookId: row.webhook_id as string,
        tenantId: row.tenant_id as string,
        state: row.state as HealthState,
        transitionSeq: row.transition_seq as number,
        consecutiveFailures: row.consecutive_failures as number,
        lastError: row.last_error as string | null,
        lastStatus: row.last_status as number | null,
        lastSuccessAt: isoOrNull(row.last_success_at),
        failingSince: isoOrNull(row.failing_since),
        disabledReason: row.disabled_reason as string | null,
      };
      try {
        await tell(change);
      } catch (error) {
        onError(change, error); // told at a later tick; the others go on
        continue;
      }
      await manager.query(`UPDATE webhook_health SET notified_state = state WHERE webhook_id = $1`, [row.webhook_id]);
      told++;
    }
    return told;
  });
}

/** Minute counts older than the chart's day (and a margin) go. */
export async function purgeHealthMinutes(db: DataSource, before: Date): Promise<void> {
  await db.query(`DELETE FROM webhook_delivery_minute WHERE minute < $1`, [before.toISOString()]);
}
