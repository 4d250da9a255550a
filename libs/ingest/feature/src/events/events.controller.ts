import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { IngestRequest } from './ingest-request';
import { EventIngestService } from './event-ingest.service';

/**
 * POST /api/v1/events and /api/v1/events/batch. The ingest key and the rate limit were checked before
 * the body was read (ingest-http.ts); here the body is validated and stored.
 */
@Controller('api/v1/events')
export class EventsController {
  constructor(private readonly ingest: EventIngestService) {}

  @Post()
  @HttpCode(202)
  single(@Req() request: IngestRequest, @Body() body: unknown, @Headers('idempotency-key') idempotencyKey?: string) {
    return this.ingest.ingest(request.ingest!.tenantId, body, idempotencyKey);
  }

  /** Many envelopes in one POST (one POST for the rate limit): 202 if all were stored, else 207. */
  @Post('batch')
  async batch(@Req() request: IngestRequest, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.ingest.ingestBatch(request.ingest!.tenantId, body);
    reply.status(result.allAccepted ? 202 : 207);
    return {
      accepted: result.items.filter((item) => item.status === 202).length,
      rejected: result.items.filter((item) => item.status !== 202).length,
      items: result.items,
    };
  }
}
