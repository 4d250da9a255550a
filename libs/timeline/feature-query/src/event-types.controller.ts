import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { QueryReader, type RawQuery } from '@daalu/platform/http';
import { Tenant, TenantGuard } from '@daalu/platform/tenancy';
import { EventTypeReader, type EventTypeView } from '@daalu/timeline/data-access';
import { EventTypeCatalogView } from './event-types.dto';

/**
 * `GET /api/v1/event-types`: the types of event the caller's tenant sent within the retention period,
 * each with its count, first and last time, sources and a recent payload, from the catalog the timeline
 * projection keeps beside the timeline (docs/timeline.md).
 */
@ApiTags('Timeline')
@ApiBearerAuth('tenantToken')
@Controller('api/v1/event-types')
@UseGuards(TenantGuard)
export class EventTypesController {
  private readonly reader: EventTypeReader;

  constructor(dataSource: DataSource) {
    this.reader = new EventTypeReader(dataSource);
  }

  @Get()
  @ApiOperation({
    summary: 'The event types sent',
    description:
      'Every type of event the tenant sent within the retention period, most recently seen first: how many events, when first and last, from which sources (up to 20), and the newest payload as a sample (under 4 KiB). At most 1,000 types per tenant; `truncated` says when there were more. Alerts and proposals are not sent types and are not listed. Takes no parameters (an unknown one is a 400).',
  })
  @ApiOkResponse({ type: EventTypeCatalogView })
  async list(
    @Tenant() tenantId: string,
    @Query() query: RawQuery,
  ): Promise<{ items: EventTypeView[]; truncated: boolean }> {
    new QueryReader(query, []).done();
    return this.reader.list(tenantId);
  }
}
