import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { encodeCursor } from '@daalu/platform/http';
import { RequireScope, Tenant, TenantGuard } from '@daalu/platform/tenancy';
import { listAuditEntries } from '@daalu/audit/data-access';
import { AuditPageView } from './audit.dto';
import { AUDIT_DEFAULT_LIMIT, AUDIT_MAX_LIMIT, parseAuditQuery } from './audit-query';

/** `GET /api/v1/audit`: the tenant's audit log, newest first, with filters and a cursor (admin scope). */
@ApiTags('Audit')
@ApiBearerAuth('tenantToken')
@Controller('api/v1/audit')
@UseGuards(TenantGuard)
@RequireScope('admin')
export class AuditController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({
    summary: 'The audit log',
    description:
      'Every security-relevant fact of the tenant (tenant, ingest key, API tokens, alert rules, webhooks and their secrets, proposals and decisions), newest first, in cursor pages. Configuration entries are kept forever; proposal entries as long as events are. An unknown parameter is a 400.',
  })
  @ApiQuery({
    name: 'action',
    required: false,
    description: 'An action, or a prefix followed by `.*`',
    example: 'webhook.*',
    schema: { type: 'string' },
  })
  @ApiQuery({
    name: 'actor',
    required: false,
    description: 'A part of the actor, any case',
    example: 'deploy bot',
    schema: { type: 'string' },
  })
  @ApiQuery({ name: 'since', required: false, description: 'At or after (RFC 3339)', schema: { type: 'string' } })
  @ApiQuery({ name: 'until', required: false, description: 'Before (RFC 3339)', schema: { type: 'string' } })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: AUDIT_MAX_LIMIT, default: AUDIT_DEFAULT_LIMIT },
  })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page, as given', type: String })
  @ApiOkResponse({ type: AuditPageView })
  @ApiBadRequestResponse({ description: 'A parameter is wrong; `errors` names it' })
  @ApiForbiddenResponse({ description: 'The token lacks the admin scope' })
  async list(@Tenant() tenantId: string, @Query() query: Record<string, string | string[] | undefined>) {
    const filter = parseAuditQuery(query);
    const { items, next } = await listAuditEntries(this.dataSource, tenantId, filter);
    return { items, nextCursor: next ? encodeCursor(next) : null };
  }
}
