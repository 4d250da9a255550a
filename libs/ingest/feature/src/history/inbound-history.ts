import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { IncomingHttpHeaders } from 'node:http';
import { LessThan, type Repository } from 'typeorm';
import { LOGGER, type Logger } from '@daalu/platform/observability';
import { InboundRequest } from '@daalu/ingest/data-access';
import { sanitizeText, textReason, truncateUnits } from '@daalu/shared/text';
import type { IngestContext } from '../events/ingest-request';
import { INGEST_OPTIONS, type IngestOptions } from '../shared/ingest-options';

const BODY_CAP = 4096;
const FLUSH_MS = 500;
const CHUNK_ROWS = 250;
const PURGE_MS = 10 * 60 * 1000;
/** Rows kept per tenant beyond the 100 shown (bounds the table under high volume). */
const KEEP_PER_TENANT = 1000;

/**
 * The inbound side of the webhook detail page: each request of a known tenant with status, timing and
 * the request/response pair (the key reduced to its prefix, the body cut at 4 KiB). Written in batches
 * off the request path (a history write never delays or fails an ingest), purged after 30 days.
 */
@Injectable()
export class InboundHistory implements OnModuleInit, OnModuleDestroy {
  private buffer: PendingRow[] = [];
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
    const raw = ingest.rawBody ?? '';
    const truncated = raw.length > BODY_CAP || (response.status === 413 && raw.length === 0);
    const isJson = response.headers['content-type']?.includes('json') && response.body.length > 0;
    this.buffer.push({
      tenantId: ingest.tenantId,
      receivedAt: ingest.receivedAt.toISOString(),
      method: storable(request.method),
      path: storable(request.path),
      status: response.status,
      durationMs: Math.round((performance.now() - ingest.startedAt) * 100) / 100,
      eventIds: eventIdsOf(response.status, response.body).join(','),
      request: JSON.stringify({
        headers: {
          'x-daalu-key': ingest.keyPrefix,
          ...pick(request.headers, ['content-type', 'content-length', 'user-agent', 'idempotency-key']),
        },
        body: storable(truncated ? truncateUnits(raw, BODY_CAP) : raw),
        truncated,
      }),
      response: storable(
        `{"headers":${JSON.stringify(response.headers)},"body":${isJson ? response.body : JSON.stringify(response.body)}}`,
      ),
    });
    if (this.buffer.length >= 2000) void this.flush();
  }

  /** Writes what is buffered (also called before a read, so the page shows the latest request). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const rows = this.buffer;
      this.buffer = [];
      // In chunks, so that serialising a large batch never holds the event loop for long.
      for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
        await this.insert(rows.slice(start, start + CHUNK_ROWS));
      }
    });
    return this.flushing;
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

  async purge(now = Date.now()): Promise<void> {
    try {
      const cutoff = new Date(now - this.options.historyRetentionDays * 86_400_000);
      await this.repository.delete({ receivedAt: LessThan(cutoff) });
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
  for (const name of names) if (typeof headers[name] === 'string') out[name] = storable(headers[name] as string);
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
