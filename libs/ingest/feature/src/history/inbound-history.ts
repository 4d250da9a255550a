import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { LessThan, type Repository } from 'typeorm';
import { LOGGER, type Logger } from '@daalu/platform/observability';
import { InboundRequest } from '@daalu/ingest/data-access';
import type { IngestContext } from '../events/ingest-request';
import { INGEST_OPTIONS, type IngestOptions } from '../shared/ingest-options';

const BODY_CAP = 4096;
const FLUSH_MS = 250;
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
  private buffer: Array<Omit<InboundRequest, 'id'>> = [];
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

  record(request: FastifyRequest, ingest: IngestContext): void {
    const response = ingest.response!;
    const raw = ingest.rawBody ?? '';
    let body: unknown = response.body;
    try {
      body = response.body ? JSON.parse(response.body) : null;
    } catch {
      // not JSON: keep the text
    }
    this.buffer.push({
      tenantId: ingest.tenantId,
      receivedAt: ingest.receivedAt,
      method: request.method,
      path: request.url.split('?')[0],
      status: response.status,
      durationMs: Math.round((performance.now() - ingest.startedAt) * 100) / 100,
      eventIds: eventIdsOf(response.status, body),
      request: {
        headers: {
          'x-daalu-key': ingest.keyPrefix,
          ...pick(request.headers, ['content-type', 'content-length', 'user-agent', 'idempotency-key']),
        },
        body: raw.length > BODY_CAP ? raw.slice(0, BODY_CAP) : raw,
        truncated: raw.length > BODY_CAP || (response.status === 413 && raw.length === 0),
      },
      response: { headers: response.headers, body },
    });
    if (this.buffer.length >= 500) void this.flush();
  }

  /** Writes what is buffered (also called before a read, so the page shows the latest request). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.buffer.length === 0) return;
      const rows = this.buffer;
      this.buffer = [];
      try {
        await this.repository.insert(rows as Parameters<Repository<InboundRequest>['insert']>[0]);
      } catch (error) {
        this.logger.warn({ err: error, rows: rows.length }, 'inbound history not recorded');
      }
    });
    return this.flushing;
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

function pick(headers: Record<string, unknown>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) if (typeof headers[name] === 'string') out[name] = headers[name] as string;
  return out;
}

function eventIdsOf(status: number, body: unknown): string[] {
  if (!body || typeof body !== 'object') return [];
  const ids: string[] = [];
  if (status === 202 && typeof (body as { id?: unknown }).id === 'string') ids.push((body as { id: string }).id);
  for (const item of (body as { items?: Array<{ id?: unknown }> }).items ?? []) {
    if (typeof item.id === 'string') ids.push(item.id);
  }
  return ids;
}
