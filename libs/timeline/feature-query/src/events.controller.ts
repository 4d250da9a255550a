import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Tenant, TenantGuard } from '@daalu/platform/tenancy';
import { TimelineReader, type TimelineEntryView } from '@daalu/timeline/data-access';
import type { QueryValue } from '@daalu/timeline/domain';
import { TimelineFilterQuery } from './timeline-query.dto';
import { parseListQuery } from './timeline-query';
import { TimelinePageView } from './timeline-entry.dto';

/** `GET /api/v1/events`: the caller's timeline, newest first, filtered, in cursor pages. */
@ApiTags('Timeline')
@ApiBearerAuth('tenantToken')
@Controller('api/v1/events')
@UseGuards(TenantGuard)
export class EventsController {
  private readonly reader: TimelineReader;

  constructor(dataSource: DataSource) {
    this.reader = new TimelineReader(dataSource);
  }

  @Get()
  @ApiOperation({
    summary: 'The timeline',
    description:
      'Events, alerts and proposals, newest first, filtered, in cursor pages. Besides the parameters below, `payload.<path>=<value>` (repeatable, up to 8 names joined by dots) keeps entries whose payload has this value at this path. An unknown parameter is a 400.',
  })
  @TimelineFilterQuery()
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page, as given', type: String })
  @ApiOkResponse({ type: TimelinePageView })
  async list(
    @Tenant() tenantId: string,
    @Query() query: Record<string, QueryValue>,
  ): Promise<{ items: TimelineEntryView[]; nextCursor: string | null }> {
    const { filter, limit, cursor } = parseListQuery(query);
    return this.reader.page(tenantId, filter, limit, cursor);
  }
}
