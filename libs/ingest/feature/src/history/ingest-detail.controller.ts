import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CredentialDirectory } from '../credentials/credential-directory';
import { Tenant, TenantGuard } from '@daalu/platform/tenancy';
import type { RecordedRequest, RecordedResponse } from '@daalu/ingest/data-access';
import { INGEST_OPTIONS, type IngestOptions } from '../shared/ingest-options';
import { IngestAcceptedView, IngestBatchResultView } from '../events/ingest-answers.dto';
import { IngestEventDto } from '../events/ingest-event.dto';
import { InboundHistory } from './inbound-history';
import { IngestDetailView } from './ingest-detail.dto';

/** Requests the page shows. */
const PAGE_SIZE = 100;

/**
 * GET /api/v1/ingest: the inbound side of the webhook detail page. (The envelope and the answers of
 * POST /api/v1/events, served ahead of Nest, are put in the API document from here.)
 */
@ApiTags('Ingest')
@ApiBearerAuth('tenantToken')
@ApiExtraModels(IngestEventDto, IngestAcceptedView, IngestBatchResultView)
@Controller('api/v1/ingest')
@UseGuards(TenantGuard)
export class IngestDetailController {
  constructor(
    private readonly directory: CredentialDirectory,
    private readonly history: InboundHistory,
    @Inject(INGEST_OPTIONS) private readonly options: IngestOptions,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The inbound endpoint and its latest requests',
    description:
      'Where to POST events, the ingest key (masked), the rate limit, and the latest 100 requests with what they stored.',
  })
  @ApiOkResponse({ type: IngestDetailView })
  async detail(@Tenant() tenantId: string) {
    const tenant = this.directory.tenant(tenantId)!;
    const rows = await this.history.latest(tenant.id, PAGE_SIZE);
    const requests = rows.map((row) => ({
      id: row.id,
      receivedAt: row.receivedAt.toISOString(),
      method: row.method,
      path: row.path,
      status: row.status,
      durationMs: row.durationMs,
      eventIds: row.eventIds,
      request: JSON.parse(row.request) as RecordedRequest,
      response: JSON.parse(row.response) as RecordedResponse,
    }));
    return {
      endpoint: `${this.options.publicUrl.replace(/\/$/, '')}/api/v1/events`,
      // A hash cannot be revealed: the full key is shown only when it is issued.
      ingestKey: tenant.currentKey ? { masked: tenant.currentKey.prefix, issuedAt: tenant.currentKey.issuedAt } : null,
      rateLimit: tenant.rateLimit ?? { perSecond: this.options.ratePerSecond, burst: this.options.rateBurst },
      lastRequest: requests[0] ?? null,
      requests,
      // Rejected requests counted but not stored ("and 50,000 more 429s"), over the span the page shows:
      // since its oldest request when it is full, else all that is kept.
      suppressed: await this.history.suppressed(
        tenant.id,
        rows.length === PAGE_SIZE ? rows[rows.length - 1].receivedAt : undefined,
      ),
    };
  }
}
