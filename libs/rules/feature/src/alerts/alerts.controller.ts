import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPropertyOptional,
  ApiQuery,
  ApiSchema,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { SEVERITIES, type Severity } from '@daalu/contracts';
import { encodeCursor, QueryReader, validateBody, type RawQuery } from '@daalu/platform/http';
import { Actor, Tenant, TenantGuard } from '@daalu/platform/tenancy';
import { listAlerts, type AlertFilter } from '@daalu/rules/data-access';
import { AlertPageView, AlertView } from './alert.dto';
import { AlertLifecycleService, type AlertAction } from './alert-lifecycle.service';

const KNOWN = ['state', 'acknowledged', 'ruleId', 'severity', 'limit', 'cursor'];

@ApiSchema({ name: 'AlertNote' })
export class AlertNoteDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 1000, example: 'looking at backup-1' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  @Matches(/^[^\u0000]*$/, { message: 'note must not contain NUL' })
  note?: string;
}

const ALERT_ID = { name: 'id', format: 'uuid', description: 'The alert' } as const;

/** `GET /api/v1/alerts`: the tenant's alerts, newest first, with their state, filters and a cursor. */
@ApiTags('Alerts')
@ApiBearerAuth('tenantToken')
@Controller('api/v1/alerts')
@UseGuards(TenantGuard)
export class AlertsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lifecycle: AlertLifecycleService,
  ) {}

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Acknowledge an alert',
    description: 'It keeps firing, owned: a fact on the log (timeline, audit log, webhooks selecting `acknowledged`).',
  })
  @ApiParam(ALERT_ID)
  @ApiBody({ type: AlertNoteDto, required: false })
  @ApiOkResponse({ type: AlertView, description: 'The alert, acknowledged' })
  @ApiNotFoundResponse({ description: 'No such alert' })
  @ApiConflictResponse({ description: 'The alert is resolved already' })
  acknowledge(
    @Tenant() t: string,
    @Actor() a: string,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() b: unknown,
  ) {
    return this.act(t, a, id, 'acknowledge', b);
  }

  @Post(':id/unacknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Take back an acknowledgement', description: 'The alert is unowned again. No body.' })
  @ApiParam(ALERT_ID)
  @ApiOkResponse({ type: AlertView })
  @ApiNotFoundResponse({ description: 'No such alert' })
  @ApiConflictResponse({ description: 'The alert is resolved already' })
  unacknowledge(@Tenant() t: string, @Actor() a: string, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.act(t, a, id, 'unacknowledge', {});
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Resolve an alert by hand',
    description: 'With who and an optional note; an `alert.resolved` fact with reason `manual`.',
  })
  @ApiParam(ALERT_ID)
  @ApiBody({ type: AlertNoteDto, required: false })
  @ApiOkResponse({ type: AlertView, description: 'The alert, resolved' })
  @ApiNotFoundResponse({ description: 'No such alert' })
  @ApiConflictResponse({ description: 'The alert is resolved already' })
  resolve(@Tenant() t: string, @Actor() a: string, @Param('id', new ParseUUIDPipe()) id: string, @Body() b: unknown) {
    return this.act(t, a, id, 'resolve', b);
  }

  private async act(tenantId: string, actor: string, id: string, action: AlertAction, body: unknown) {
    const dto = await validateBody(AlertNoteDto, body ?? {}, { forbidUnknownFields: true });
    return this.lifecycle.apply(tenantId, id.toLowerCase(), action, actor, dto.note ?? null);
  }

  @Get()
  @ApiOperation({ summary: 'The alerts', description: 'Newest first, in cursor pages. An unknown parameter is a 400.' })
  @ApiQuery({ name: 'state', required: false, enum: ['firing', 'resolved'] })
  @ApiQuery({
    name: 'acknowledged',
    required: false,
    enum: ['true', 'false'],
    description: 'Only firing alerts someone acknowledged (true), or nobody has (false)',
  })
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
  const acknowledged = reader.one('acknowledged');
  if (acknowledged !== undefined) {
    if (acknowledged === 'true' || acknowledged === 'false') filter.acknowledged = acknowledged === 'true';
    else reader.fail('acknowledged', 'must be true or false');
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
