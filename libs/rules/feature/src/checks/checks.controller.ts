import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { QueryReader, type RawQuery } from '@daalu/platform/http';
import { Actor, Tenant, TenantGuard } from '@daalu/platform/tenancy';
import { CHECK_STATES, CheckListView, type CheckStateName } from './check.dto';
import { ChecksService } from './checks.service';

const MAX_LIMIT = 500;

/** Heartbeat checks: each absence rule's groups with their state, like a status board. */
@ApiTags('Alert rules')
@ApiBearerAuth('tenantToken')
@Controller('api/v1/checks')
@UseGuards(TenantGuard)
export class ChecksController {
  constructor(private readonly checks: ChecksService) {}

  @Get()
  @ApiOperation({
    summary: 'Heartbeat checks and their state',
    description:
      'Every absence rule, per group it has heard from: `new`, `up`, `late` (due, within grace), `down` or ' +
      '`paused`, with when it last pinged, when the next ping is due, the last run duration and the last 20 ' +
      'signals. An unknown parameter is a 400.',
  })
  @ApiQuery({ name: 'ruleId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'state', required: false, enum: CHECK_STATES })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 100 } })
  @ApiQuery({ name: 'cursor', required: false, description: 'The nextCursor of the page before' })
  @ApiOkResponse({ type: CheckListView })
  async list(@Tenant() tenantId: string, @Query() query: RawQuery): Promise<CheckListView> {
    const reader = new QueryReader(query, ['ruleId', 'state', 'limit', 'cursor']);
    const ruleId = reader.uuid('ruleId', 'a rule id (UUID)')?.toLowerCase();
    const state = reader.one('state');
    if (state !== undefined && !(CHECK_STATES as readonly string[]).includes(state))
      reader.fail('state', `must be one of ${CHECK_STATES.join(', ')}`);
    const limit = reader.limit(100, MAX_LIMIT);
    const cursor = reader.one('cursor');
    if (cursor !== undefined && !/^\d{1,7}$/.test(cursor)) reader.fail('cursor', 'not a cursor this API issued');
    reader.done();
    const all = (await this.checks.list(tenantId, ruleId)).filter(
      (check) => state === undefined || check.state === (state as CheckStateName),
    );
    const from = cursor === undefined ? 0 : Number(cursor);
    return {
      items: all.slice(from, from + limit),
      nextCursor: from + limit < all.length ? String(from + limit) : null,
    };
  }

  @Post(':ruleId/pause')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Pause a heartbeat check',
    description: 'Every group of the rule: it fires nothing until resumed; pings are still recorded.',
  })
  @ApiParam({ name: 'ruleId', format: 'uuid' })
  @ApiOkResponse({ type: CheckListView })
  @ApiNotFoundResponse({ description: 'No such absence rule' })
  async pause(
    @Tenant() tenantId: string,
    @Actor() actor: string,
    @Param('ruleId', new ParseUUIDPipe()) ruleId: string,
  ): Promise<CheckListView> {
    return { items: await this.checks.pause(tenantId, ruleId.toLowerCase(), actor), nextCursor: null };
  }

  @Post(':ruleId/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused heartbeat check', description: 'Its next deadline counts from now.' })
  @ApiParam({ name: 'ruleId', format: 'uuid' })
  @ApiOkResponse({ type: CheckListView })
  @ApiNotFoundResponse({ description: 'No such absence rule' })
  async resume(
    @Tenant() tenantId: string,
    @Actor() actor: string,
    @Param('ruleId', new ParseUUIDPipe()) ruleId: string,
  ): Promise<CheckListView> {
    return { items: await this.checks.resume(tenantId, ruleId.toLowerCase(), actor), nextCursor: null };
  }
}
