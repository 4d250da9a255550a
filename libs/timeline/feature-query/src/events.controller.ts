import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TenantGuard, type TenantRequest } from '@daalu/platform/tenancy';
import { TimelineReader, type TimelineEntryView } from '@daalu/timeline/data-access';
import type { QueryValue } from '@daalu/timeline/domain';
import { parseListQuery } from './timeline-query';

/** `GET /api/v1/events`: the caller's timeline, newest first, filtered, in cursor pages. */
@Controller('api/v1/events')
@UseGuards(TenantGuard)
export class EventsController {
  private readonly reader: TimelineReader;

  constructor(dataSource: DataSource) {
    this.reader = new TimelineReader(dataSource);
  }

  @Get()
  async list(
    @Req() request: TenantRequest,
    @Query() query: Record<string, QueryValue>,
  ): Promise<{ items: TimelineEntryView[]; nextCursor: string | null }> {
    const { filter, limit, cursor } = parseListQuery(query);
    return this.reader.page(request.tenantId!, filter, limit, cursor);
  }
}
