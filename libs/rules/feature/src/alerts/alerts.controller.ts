import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { SEVERITIES, type Severity } from '@daalu/contracts';
import { decodeCursor, encodeCursor, invalidFields, type FieldError, type KeysetCursor } from '@daalu/platform/http';
import { Tenant, TenantGuard } from '@daalu/platform/tenancy';
import { listAlerts, type AlertFilter } from '@daalu/rules/data-access';
import { AlertPageView } from './alert.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
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
  async list(@Tenant() tenantId: string, @Query() query: Record<string, string | string[] | undefined>) {
    const { filter, limit, cursor } = parseAlertQuery(query);
    const page = await listAlerts(this.dataSource, tenantId, filter, limit, cursor);
    return { items: page.items, nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null };
  }
}

function parseAlertQuery(query: Record<string, string | string[] | undefined>) {
  const errors: FieldError[] = [];
  const filter: AlertFilter = {};
  for (const name of Object.keys(query)) {
    if (!KNOWN.includes(name)) errors.push({ field: name, message: 'unknown parameter' });
    else if (name !== 'severity' && Array.isArray(query[name])) errors.push({ field: name, message: 'give it once' });
  }
  const one = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
  const state = one('state');
  if (state !== undefined) {
    if (state === 'firing' || state === 'resolved') filter.state = state;
    else errors.push({ field: 'state', message: 'must be firing or resolved' });
  }
  const ruleId = one('ruleId');
  if (ruleId !== undefined) {
    if (UUID.test(ruleId)) filter.ruleId = ruleId;
    else errors.push({ field: 'ruleId', message: 'must be a rule id (UUID)' });
  }
  if (query.severity !== undefined) {
    const values = [query.severity].flat().flatMap((v) => (v ?? '').split(','));
    if (values.every((v) => (SEVERITIES as readonly string[]).includes(v))) filter.severities = values as Severity[];
    else errors.push({ field: 'severity', message: `each must be one of ${SEVERITIES.join(', ')}` });
  }
  const rawLimit = one('limit');
  const limit = rawLimit === undefined ? 50 : /^\d{1,3}$/.test(rawLimit) ? Number(rawLimit) : NaN;
  if (!(limit >= 1 && limit <= 500)) errors.push({ field: 'limit', message: 'must be an integer from 1 to 500' });
  let cursor: KeysetCursor | undefined;
  const rawCursor = one('cursor');
  if (rawCursor !== undefined) {
    cursor = decodeCursor(rawCursor);
    if (!cursor) errors.push({ field: 'cursor', message: 'not a cursor this API issued (use nextCursor as given)' });
  }
  if (errors.length > 0) throw invalidFields('invalid-query', 'Invalid query', errors);
  return { filter, limit, cursor };
}
