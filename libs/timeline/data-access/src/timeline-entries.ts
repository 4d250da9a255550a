import type { DataSource, EntityManager } from 'typeorm';
import { SEVERITIES, type Severity } from '@daalu/contracts';
import { encodeCursor, type KeysetCursor } from '@daalu/platform/http';
import {
  fillHistogram,
  nestAt,
  payloadCandidates,
  type TimelineFilter,
  type TimelineHistogram,
} from '@daalu/timeline/domain';

/** The projection that fills `timeline_entry` (its checkpoint row is the timeline's position). */
export const TIMELINE_PROJECTION = 'timeline-events';

/** What every timeline entry shows, whatever fact it came from. */
interface TimelineEntryFields {
  id: string;
  kind: string;
  type: string;
  module: string;
  source: string;
  summary: string;
  severity: Severity;
  payload: Record<string, unknown>;
  correlationId: string;
}

/** One row of `timeline_entry` as the projection writes it. */
export interface TimelineRow extends TimelineEntryFields {
  tenantId: string;
  /** ISO 8601. */
  recordedAt: string;
  refId: string | null;
  streamSeq: number;
}

/** One entry as the API returns it. */
export interface TimelineEntryView extends TimelineEntryFields {
  receivedAt: string;
  refId?: string;
  /** The entry's position on the log: the SSE event id. */
  sequence: number;
}

/**
 * Inserts a batch in one statement: the rows travel as one JSON text that PostgreSQL expands
 * (json_to_recordset), far cheaper than thousands of bound parameters. Idempotent: a row already there
 * (same tenant, time and id) is left alone. Returns the rows it added: all of them, but for an event
 * that was on the timeline already (delivered again under another message id), which is looked up only
 * when the insert added fewer rows than it was given.
 */
export async function insertTimelineRows(manager: EntityManager, rows: TimelineRow[]): Promise<TimelineRow[]> {
  if (rows.length === 0) return rows;
  const json = JSON.stringify(rows.map((row) => ({ ...row, severity: SEVERITIES.indexOf(row.severity) })));
  const [{ added }]: Array<{ added: number }> = await manager.query(
    `WITH inserted AS (
       INSERT INTO timeline_entry
         (tenant_id, recorded_at, id, kind, type, module, source, summary, severity, payload, ref_id, correlation_id, stream_seq)
       SELECT "tenantId", "recordedAt", id, kind, type, module, source, summary, severity, payload, "refId", "correlationId", "streamSeq"
         FROM json_to_recordset($1::json) AS x("tenantId" uuid, "recordedAt" timestamptz, id uuid, kind text, type text,
              module text, source text, summary text, severity smallint, payload jsonb, "refId" uuid, "correlationId" text,
              "streamSeq" bigint)
       ON CONFLICT DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS added FROM inserted`,
    [json],
  );
  if (added === rows.length) return rows;
  // Those already there carry the log position of their first delivery, not this one.
  const before: Array<{ ord: string }> = await manager.query(
    `SELECT x.ord
       FROM ROWS FROM (json_to_recordset($1::json) AS (t uuid, r timestamptz, i uuid, s bigint)) WITH ORDINALITY AS x(t, r, i, s, ord)
       JOIN timeline_entry e ON e.tenant_id = x.t AND e.recorded_at = x.r AND e.id = x.i
      WHERE e.stream_seq <> x.s`,
    [JSON.stringify(rows.map((row) => ({ t: row.tenantId, r: row.recordedAt, i: row.id, s: row.streamSeq })))],
  );
  const skipped = new Set(before.map(({ ord }) => Number(ord) - 1));
  return rows.filter((_, index) => !skipped.has(index));
}

const COLUMNS = `id, kind, type, module, source, summary, severity, payload, ref_id, correlation_id, stream_seq,
  to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at`;

interface SelectedRow {
  id: string;
  kind: string;
  type: string;
  module: string;
  source: string;
  summary: string;
  severity: number;
  payload: Record<string, unknown>;
  ref_id: string | null;
  correlation_id: string;
  stream_seq: string;
  at: string;
}

/** The longest a histogram's count may run (s): one tenant's wide, loosely filtered range must not hold the shared database. */
export const HISTOGRAM_TIMEOUT_SECONDS = 5;

/** A histogram's count took longer than HISTOGRAM_TIMEOUT_SECONDS and was cancelled by PostgreSQL. */
export class HistogramTimeoutError extends Error {
  constructor() {
    super(`the histogram took longer than ${HISTOGRAM_TIMEOUT_SECONDS} s`);
  }
}

/** Reads a tenant's timeline: pages newest first, and what came after a log position (for live streams). */
export class TimelineReader {
  constructor(private readonly db: DataSource | EntityManager) {}

  /** Newest first; `nextCursor` is null on the last page. */
  async page(
    tenantId: string,
    filter: TimelineFilter,
    limit: number,
    cursor?: KeysetCursor,
  ): Promise<{ items: TimelineEntryView[]; nextCursor: string | null }> {
    const where = new Where(tenantId, filter);
    if (cursor)
      where.add(`(recorded_at, id) < (${where.param(cursor.at)}::timestamptz, ${where.param(cursor.id)}::uuid)`);
    const rows: SelectedRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM timeline_entry WHERE ${where.sql} ORDER BY recorded_at DESC, id DESC LIMIT ${limit + 1}`,
      where.params,
    );
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return { items: page.map(toView), nextCursor: more ? encodeCursor({ at: last.at, id: last.id }) : null };
  }

  /**
   * Entries per epoch-aligned bucket of `bucketSeconds` over [since, until), by severity, with the
   * filter's other conditions; every bucket of the range is there, zeros where nothing was. Runs in its
   * own transaction under `statement_timeout` (HISTOGRAM_TIMEOUT_SECONDS): past it PostgreSQL cancels
   * the count, and this throws HistogramTimeoutError.
   */
  async histogram(
    tenantId: string,
    filter: TimelineFilter,
    range: { since: Date; until: Date },
    bucketSeconds: number,
  ): Promise<TimelineHistogram> {
    const where = new Where(tenantId, { ...filter, since: range.since, until: range.until });
    const size = where.param(bucketSeconds);
    const sql = `SELECT (floor(extract(epoch FROM recorded_at) / ${size}::integer) * ${size}::integer)::bigint AS at,
                        count(*)::integer AS count,
                        count(*) FILTER (WHERE severity = ${SEVERITIES.indexOf('warning')})::integer AS warning,
                        count(*) FILTER (WHERE severity = ${SEVERITIES.indexOf('critical')})::integer AS critical
                   FROM timeline_entry WHERE ${where.sql} GROUP BY 1`;
    const manager = 'manager' in this.db ? this.db.manager : this.db;
    let rows: Array<{ at: string; count: number; warning: number; critical: number }>;
    try {
      rows = await manager.transaction(async (tx) => {
        await tx.query(`SET LOCAL statement_timeout = '${HISTOGRAM_TIMEOUT_SECONDS}s'`);
        return tx.query(sql, where.params);
      });
    } catch (error) {
      throw isQueryCanceled(error) ? new HistogramTimeoutError() : error;
    }
    return {
      bucketSeconds,
      since: range.since.toISOString(),
      until: range.until.toISOString(),
      buckets: fillHistogram(
        range.since,
        range.until,
        bucketSeconds,
        rows.map((row) => ({ ...row, at: Number(row.at) })),
      ),
    };
  }

  /**
   * The last log position the projection has applied: every entry at or below it is visible, none above
   * it yet (the checkpoint moves in the same transaction as the rows).
   */
  async appliedSequence(): Promise<number> {
    const rows: Array<{ last_sequence: string }> = await this.db.query(
      `SELECT last_sequence FROM projection_checkpoint WHERE projection = $1`,
      [TIMELINE_PROJECTION],
    );
    return Number(rows[0]?.last_sequence ?? 0);
  }

  /** Entries after log position `afterSequence`, in log order (at most `limit`). */
  async after(
    tenantId: string,
    filter: TimelineFilter,
    afterSequence: number,
    limit: number,
  ): Promise<TimelineEntryView[]> {
    const where = new Where(tenantId, filter);
    where.add(`stream_seq > ${where.param(afterSequence)}`);
    const rows: SelectedRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM timeline_entry WHERE ${where.sql} ORDER BY stream_seq LIMIT ${limit}`,
      where.params,
    );
    return rows.map(toView);
  }
}

function toView(row: SelectedRow): TimelineEntryView {
  return {
    id: row.id,
    kind: row.kind,
    type: row.type,
    module: row.module,
    source: row.source,
    summary: row.summary,
    severity: SEVERITIES[row.severity],
    payload: row.payload,
    receivedAt: `${row.at.slice(0, 23)}Z`,
    ...(row.ref_id ? { refId: row.ref_id } : {}),
    correlationId: row.correlation_id,
    sequence: Number(row.stream_seq),
  };
}

/** A WHERE clause with numbered parameters, always scoped to one tenant. */
class Where {
  readonly params: unknown[] = [];
  private readonly parts: string[] = [];

  constructor(tenantId: string, filter: TimelineFilter) {
    this.add(`tenant_id = ${this.param(tenantId)}::uuid`);
    if (filter.type && 'exact' in filter.type) this.add(`type = ${this.param(filter.type.exact)}`);
    if (filter.type && 'prefix' in filter.type) {
      // A range rather than LIKE: the (tenant, type, …) index serves it whatever the plan.
      const prefix = filter.type.prefix;
      const upper = nextPrefix(prefix);
      this.add(
        upper === null
          ? `type >= ${this.param(prefix)}`
          : `type >= ${this.param(prefix)} AND type < ${this.param(upper)}`,
      );
    }
    if (filter.module !== undefined) this.add(`module = ${this.param(filter.module)}`);
    if (filter.source !== undefined) this.add(`source = ${this.param(filter.source)}`);
    if (filter.severities) {
      this.add(`severity = ANY(${this.param(filter.severities.map((s) => SEVERITIES.indexOf(s)))}::smallint[])`);
    }
    if (filter.since) this.add(`recorded_at >= ${this.param(filter.since.toISOString())}::timestamptz`);
    if (filter.until) this.add(`recorded_at < ${this.param(filter.until.toISOString())}::timestamptz`);
    if (filter.q !== undefined) this.add(`summary ILIKE ${this.param(`%${escapeLike(filter.q)}%`)}`);
    for (const condition of filter.payload) {
      const tests = payloadCandidates(condition).map(
        (value) => `payload @> ${this.param(JSON.stringify(nestAt(condition.path, value)))}::jsonb`,
      );
      this.add(tests.length === 1 ? tests[0] : `(${tests.join(' OR ')})`);
    }
  }

  get sql(): string {
    return this.parts.join(' AND ');
  }

  add(part: string): void {
    this.parts.push(part);
  }

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

/** PostgreSQL's 57014, query_canceled: what statement_timeout raises. */
function isQueryCanceled(error: unknown): boolean {
  const err = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return (err?.code ?? err?.driverError?.code) === '57014';
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * The smallest text above every text starting with `prefix`: its last character moved up by one code
 * point (never into the surrogate range, never half a pair, so PostgreSQL can take it); null when there
 * is none (the last character is the highest code point).
 */
export function nextPrefix(prefix: string): string | null {
  const chars = Array.from(prefix);
  const last = chars.pop()!.codePointAt(0)!;
  if (last >= 0x10ffff) return null;
  const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
  return chars.join('') + String.fromCodePoint(next);
}
