import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { IncomingHttpHeaders } from 'node:http';
import { LessThan, type Repository } from 'typeorm';
import { LOGGER, type Logger } from '@daalu/platform/observability';
import { InboundRequest, type SuppressedRequests } from '@daalu/ingest/data-access';
import { sanitizeText, textReason, truncateUnits } from '@daalu/shared/text';
import type { IngestContext } from '../events/ingest-request';
import { INGEST_OPTIONS, type IngestOptions } from '../shared/ingest-options';

const BODY_CAP = 4096;
/** A request header kept in the history, at most (UTF-16 units). */
const HEADER_CAP = 256;
const FLUSH_MS = 500;
const CHUNK_ROWS = 250;
const PURGE_MS = 10 * 60 * 1000;
/** Rows kept per tenant beyond the 100 shown (bounds the table under high volume). */
const KEEP_PER_TENANT = 1000;
/**
 * Rejected requests (no event stored: 429, 400, 413, 415, 503, a batch with none accepted) stored whole
 * per ingest key, status and minute on one gateway; the rest of that minute are only counted.
 */
export const REJECTED_STORED_PER_MINUTE = 20;
const MINUTE_MS = 60_000;

/**
 * The inbound side of the webhook detail page: each request of a known tenant with status, timing and
 * the request/response pair (the key reduced to its prefix, the bodies cut at 4 KiB). Written in batches
 * off the request path (a history write never delays or fails an ingest), purged after 30 days.
 *
 * Every request that stored an event is kept. Rejected ones are sampled, so a flood costs bounded disk:
 * the first REJECTED_STORED_PER_MINUTE of a key, status and minute are stored whole, and the rest are
 * added to one `inbound_suppressed` row for that key, status and minute (how many, first and last).
 * Requests without a valid key (401) belong to no tenant and are never stored.
 */
@Injectable()
export class InboundHistory implements OnModuleInit, OnModuleDestroy {
  private buffer: PendingRow[] = [];
  /** Rejected requests of the current minutes, by tenant, key, status and minute. */
  private windows = new Map<string, SampleWindow>();
  private flushTimer?: NodeJS.Timeout;
  private purgeTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @InjectRepository(InboundRequest) private readonly repository: Repository<InboundRequest>,
    @Inject(INGEST_OPTIONS) private readonly options: IngestOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.flushTimer = setInterval(() => void this.flush(), FLUSH_MS);
    this.purgeTimer = setInterval(() => void this.purge(), PURGE_MS);
    this.flushTimer.unref();
    this.purgeTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.purgeTimer);
    await this.flush();
  }

  /**
   * Cheap on the request path: strings only; PostgreSQL parses the JSON when the batch is written. What
   * came from the sender is kept as text PostgreSQL can store whatever it held (a refused request may
   * carry a NUL or a lone surrogate), cut on a character boundary, so no request can fail the write.
   */
  record(request: RecordedRequest, ingest: IngestContext): void {
    const response = ingest.response!;
    const eventIds = eventIdsOf(response.status, response.body);
    const rejected = eventIds.length === 0;
    if (rejected && !this.sampled(ingest, response.status)) return;
    const raw = ingest.rawBody ?? '';
    const truncated = raw.length > BODY_CAP || (response.status === 413 && raw.length === 0);
    // A rejected request's answer can name a long field path; what is kept of it is bounded too.
    const responseCut = rejected && response.body.length > BODY_CAP;
    const isJson = response.headers['content-type']?.includes('json') && response.body.length > 0 && !responseCut;
    const responseBody = responseCut ? JSON.stringify(truncateUnits(response.body, BODY_CAP)) : response.body;
    this.buffer.push({
      tenantId: ingest.tenantId,
      receivedAt: ingest.receivedAt.toISOString(),
      method: storable(request.method),
      path: storable(request.path),
      status: response.status,
      durationMs: Math.round((performance.now() - ingest.startedAt) * 100) / 100,
      eventIds: eventIds.join(','),
      request: JSON.stringify({
        headers: {
          'x-daalu-key': ingest.keyPrefix,
          ...pick(request.headers, ['content-type', 'content-length', 'user-agent', 'idempotency-key']),
        },
        body: storable(truncated ? truncateUnits(raw, BODY_CAP) : raw),
        truncated,
      }),
      response: storable(
        `{"headers":${JSON.stringify(response.headers)},"body":${isJson ? responseBody : JSON.stringify(responseBody)}${responseCut ? ',"truncated":true' : ''}}`,
      ),
    });
    if (this.buffer.length >= 2000) void this.flush();
  }

  /**
   * Whether this rejected request is one of the first of its key, status and minute (then it is stored
   * whole); else it is only counted, for `inbound_suppressed`. Synchronous and O(1): a flood of 429s
   * costs a map lookup each.
   */
  private sampled(ingest: IngestContext, status: number): boolean {
    const at = ingest.receivedAt.getTime();
    // The minute it is answered in: a window is never reopened by a request that took long to read.
    const minute = Math.floor(Date.now() / MINUTE_MS);
    const id = `${ingest.tenantId} ${status} ${minute} ${ingest.keyPrefix}`;
    let window = this.windows.get(id);
    if (!window) {
      window = { tenantId: ingest.tenantId, keyPrefix: ingest.keyPrefix, status, minute, stored: 0, counted: 0 };
      this.windows.set(id, window);
    }
    if (window.stored < REJECTED_STORED_PER_MINUTE) {
      window.stored++;
      return true;
    }
    window.firstAt = window.counted === 0 ? at : Math.min(window.firstAt!, at);
    window.lastAt = window.counted === 0 ? at : Math.max(window.lastAt!, at);
    window.counted++;
    return false;
  }

  /** The counts not yet written (each window's share since the last flush), and past minutes forgotten. */
  private takeCounts(now: number): SuppressedRow[] {
    const rows: SuppressedRow[] = [];
    const current = Math.floor(now / MINUTE_MS);
    for (const [id, window] of this.windows) {
      if (window.counted > 0) {
        rows.push({
          tenantId: window.tenantId,
          keyPrefix: storable(window.keyPrefix),
          status: window.status,
          minute: new Date(window.minute * MINUTE_MS).toISOString(),
          count: window.counted,
          firstAt: new Date(window.firstAt!).toISOString(),
          lastAt: new Date(window.lastAt!).toISOString(),
        });
        window.counted = 0;
        window.firstAt = undefined;
        window.lastAt = undefined;
      }
      // Windows are by the minute a request is answered in: a past minute never comes back.
      if (window.minute < current) this.windows.delete(id);
    }
    return rows;
  }

  /** Writes what is buffered (also called before a read, so the page shows the latest request). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const rows = this.buffer;
      this.buffer = [];
      const counts = this.takeCounts(Date.now());
      // In chunks, so that serialising a large batch never holds the event loop for long.
      for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
        await this.insert(rows.slice(start, start + CHUNK_ROWS));
      }
      if (counts.length > 0) await this.addCounts(counts);
    });
    return this.flushing;
  }

  /** Adds counts to their minute's row: every replica of the gateway adds to the same one. */
  private async addCounts(rows: SuppressedRow[]): Promise<void> {
    try {
      await this.repository.query(
        `INSERT INTO inbound_suppressed AS s (tenant_id, minute, status, key_prefix, count, first_at, last_at)
         SELECT "tenantId", minute, status, "keyPrefix", count, "firstAt", "lastAt"
           FROM json_to_recordset($1::json) AS x("tenantId" uuid, minute timestamptz, status smallint,
                "keyPrefix" text, count bigint, "firstAt" timestamptz, "lastAt" timestamptz)
         ON CONFLICT (tenant_id, minute, status, key_prefix) DO UPDATE
           SET count = s.count + EXCLUDED.count,
               first_at = LEAST(s.first_at, EXCLUDED.first_at),
               last_at = GREATEST(s.last_at, EXCLUDED.last_at)`,
        [JSON.stringify(rows)],
      );
    } catch (error) {
      const requests = rows.reduce((sum, row) => sum + row.count, 0);
      this.logger.warn({ error: (error as Error).message, requests }, 'suppressed request counts not recorded');
    }
  }

  /**
   * One statement per chunk whatever its size: the rows go as one JSON text (Node's native stringify is
   * far cheaper than escaping nine parameter arrays) and PostgreSQL expands them with json_to_recordset.
   */
  private async insert(rows: PendingRow[]): Promise<void> {
    try {
      await this.repository.query(
        `INSERT INTO inbound_request
           (tenant_id, received_at, method, path, status, duration_ms, event_ids, request, response)
         SELECT "tenantId", "receivedAt", method, path, status, "durationMs",
                string_to_array("eventIds", ',')::uuid[], request, response
           FROM json_to_recordset($1::json) AS x("tenantId" uuid, "receivedAt" timestamptz, method text,
                path text, status smallint, "durationMs" real, "eventIds" text, request text, response text)`,
        [JSON.stringify(rows)],
      );
    } catch (error) {
      // The message only: the error's query parameters would put every buffered request in the log.
      this.logger.warn({ error: (error as Error).message, rows: rows.length }, 'inbound history not recorded');
    }
  }

  async latest(tenantId: string, limit = 100): Promise<InboundRequest[]> {
    await this.flush();
    return this.repository.find({ where: { tenantId }, order: { id: 'DESC' }, take: limit });
  }

  /**
   * The rejected requests counted but not stored, per status, whose last came at `since` or later
   * (all that are kept when it is undefined): exact, whichever replica counted them.
   */
  async suppressed(tenantId: string, since?: Date): Promise<SuppressedRequests[]> {
    await this.flush();
    const rows: Array<{ status: number; count: string; from: string; to: string }> = await this.repository.query(
      `SELECT status, sum(count) AS count,
              to_char(min(first_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "from",
              to_char(max(last_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "to"
         FROM inbound_suppressed
        WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR last_at >= $2::timestamptz)
        GROUP BY status ORDER BY status`,
      [tenantId, since?.toISOString() ?? null],
    );
    return rows.map((row) => ({ status: row.status, count: Number(row.count), from: row.from, to: row.to }));
  }

  async purge(now = Date.now()): Promise<void> {
    try {
      const cutoff = new Date(now - this.options.historyRetentionDays * 86_400_000);
      await this.repository.delete({ receivedAt: LessThan(cutoff) });
      await this.repository.query(`DELETE FROM inbound_suppressed WHERE minute < $1`, [cutoff.toISOString()]);
      await this.repository.query(
        `DELETE FROM inbound_request WHERE id IN (
           SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY tenant_id ORDER BY id DESC) AS n
                             FROM inbound_request) ranked WHERE n > $1)`,
        [KEEP_PER_TENANT],
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'inbound history purge failed; will retry');
    }
  }
}

/** What the history keeps of a request besides its body. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

function pick(headers: IncomingHttpHeaders, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = storable(truncateUnits(value, HEADER_CAP));
  }
  return out;
}

/** The text as it is when PostgreSQL can store it (the common case: two scans), else sanitized. */
function storable(text: string): string {
  return textReason(text) === null ? text : sanitizeText(text);
}

const SINGLE_ID = /^\{"id":"([0-9a-f-]{36})"/;
const ANY_ID = /"id":"([0-9a-f-]{36})"/g;

/** The ids of the events a response reports as stored (the single answer, or a batch's items). */
function eventIdsOf(status: number, body: string): string[] {
  const single = status === 202 ? SINGLE_ID.exec(body) : null;
  if (single) return [single[1]];
  if (status !== 202 && status !== 207) return [];
  return [...body.matchAll(ANY_ID)].map((match) => match[1]);
}

interface PendingRow {
  tenantId: string;
  receivedAt: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  /** Comma-separated. */
  eventIds: string;
  /** JSON text. */
  request: string;
  response: string;
}

/** The rejected requests of one tenant, key, status and minute on this gateway. */
interface SampleWindow {
  tenantId: string;
  keyPrefix: string;
  status: number;
  /** Epoch minutes. */
  minute: number;
  /** Stored whole so far (at most REJECTED_STORED_PER_MINUTE). */
  stored: number;
  /** Counted since the last flush, and when the first and last of them came (epoch ms). */
  counted: number;
  firstAt?: number;
  lastAt?: number;
}

interface SuppressedRow {
  tenantId: string;
  keyPrefix: string;
  status: number;
  minute: string;
  count: number;
  firstAt: string;
  lastAt: string;
}
