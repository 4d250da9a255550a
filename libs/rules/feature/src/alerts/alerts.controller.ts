import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { SEVERITIES, type Severity } from '@daalu/contracts';
import { encodeCursor, QueryReader, type RawQuery } from '@daalu/platform/http';
import { Tenant, TenantGuard } from '@daalu/platform/tenancy';
import { listAlerts, type AlertFilter } from '@daalu/rules/data-access';
import { AlertPageView } from './alert.dto';

const KNOWN = ['state', 'ruleId', 'severity', 'limit', 'cursor'];

/** `GET /api/v1/alerts`: the tenant's alerts, newest first, with their state, filters and a cursor. */
@ApiTags('Alerts')
@ApiBearerAuth('tenantToken')
@Controller('api/v1/alerts')
@UseGuards(TenantGuard)
export class AlertsController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'The alerts', description: 'Newest first, in cursor pages. An unknown parameter is a 400.' })
  @ApiQuery({ name: 'state', required: false, enum: ['firing', 'resolved'] })
  @ApiQuery({ name: 'ruleId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({
    name: 'severity',
    required: false,
    description: `Any of these (${SEVERITIES.join(', ')}): comma-separated or repeated`,
    schema: { type: 'string' },
  })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page, as given', type: String })
  @ApiOkResponse({ type: AlertPageView })
  async list(@Tenant() tenantId: string, @Query() query: RawQuery) {
    const { filter, limit, cursor } = parseAlertQuery(query);
    const page = await listAlerts(this.dataSource, tenantId, filter, limit, cursor);
    return { items: page.items, nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null };
  }
}

/** The alerts' query: a 400 naming every bad parameter (see QueryReader). */
function parseAlertQuery(query: RawQuery) {
  const reader = new QueryReader(query, KNOWN, { repeatable: ['severity'] });
  const filter: AlertFilter = {};
  const state = reader.one('state');
  if (state !== undefined) {
    if (state === 'firing' || state === 'resolved') filter.state = state;
    else reader.fail('state', 'must be firing or resolved');
  }
  const ruleId = reader.uuid('ruleId', 'a rule id (UUID)');
  if (ruleId !== undefined) filter.ruleId = ruleId;
  const severities = reader.list('severity');
  if (severities !== undefined) {
    if (severities.every((v) => (SEVERITIES as readonly string[]).includes(v)))
      filter.severities = severities as Severity[];
    else reader.fail('severity', `each must be one of ${SEVERITIES.join(', ')}`);
  }
  const limit = reader.limit(50, 500);
  const cursor = reader.cursor();
  reader.done();
  return { filter, limit, cursor };
}
