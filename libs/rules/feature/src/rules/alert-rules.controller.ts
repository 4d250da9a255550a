import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { invalidFields, validateBody } from '@daalu/platform/http';
import { Actor, Tenant, TenantGuard } from '@daalu/platform/tenancy';
import { AlertRuleDto, contractProblems, ruleProblems, toSpec } from './alert-rule.dto';
import { AlertRulePageView, AlertRuleView } from './alert-rule-view.dto';
import { RuleDirectory, type StoredRule } from './rule-directory';
import { notFound, RuleFactsService } from './rule-facts.service';

const RULE_ID = { name: 'id', format: 'uuid', description: 'The rule' };

/** `/api/v1/alert-rules`: the tenant's alert rules (match and absence), validated, as facts on the log. */
@ApiTags('Alert rules')
@ApiBearerAuth('tenantToken')
@Controller('api/v1/alert-rules')
@UseGuards(TenantGuard)
export class AlertRulesController {
  constructor(
    private readonly directory: RuleDirectory,
    private readonly facts: RuleFactsService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an alert rule' })
  @ApiBody({ type: AlertRuleDto })
  @ApiCreatedResponse({ type: AlertRuleView })
  @ApiConflictResponse({ description: 'The tenant has as many rules as it may' })
  async create(@Tenant() tenantId: string, @Actor() actor: string, @Body() body: unknown) {
    return view(await this.facts.create(tenantId, await validRule(body), actor));
  }

  /** Every rule of the tenant, oldest first (at most 1000, so one page). */
  @Get()
  @ApiOperation({ summary: 'The alert rules' })
  @ApiOkResponse({ type: AlertRulePageView })
  list(@Tenant() tenantId: string) {
    return { items: this.directory.list(tenantId).map(view), nextCursor: null };
  }

  @Get(':id')
  @ApiParam(RULE_ID)
  @ApiOperation({ summary: 'One alert rule' })
  @ApiOkResponse({ type: AlertRuleView })
  @ApiNotFoundResponse({ description: 'No such rule' })
  get(@Tenant() tenantId: string, @Param('id', new ParseUUIDPipe()) id: string) {
    const rule = this.directory.get(tenantId, id);
    if (!rule) throw notFound();
    return view(rule);
  }

  /** Replaces the rule (a new version); the alerts it already fired keep their state. */
  @Put(':id')
  @ApiParam(RULE_ID)
  @ApiOperation({
    summary: 'Replace an alert rule',
    description: 'A new version; the alerts it already fired keep their state.',
  })
  @ApiBody({ type: AlertRuleDto })
  @ApiOkResponse({ type: AlertRuleView })
  @ApiNotFoundResponse({ description: 'No such rule' })
  @ApiConflictResponse({ description: 'Changed concurrently; retry' })
  async replace(
    @Tenant() tenantId: string,
    @Actor() actor: string,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: unknown,
  ) {
    return view(await this.facts.replace(tenantId, id, await validRule(body), actor));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam(RULE_ID)
  @ApiOperation({ summary: 'Delete an alert rule' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No such rule' })
  async delete(
    @Tenant() tenantId: string,
    @Actor() actor: string,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    await this.facts.delete(tenantId, id, actor);
  }
}

async function validRule(body: unknown) {
  const dto = await validateBody(AlertRuleDto, body, { forbidUnknownFields: true });
  const problems = ruleProblems(dto);
  if (problems.length > 0) throw invalidFields('invalid-body', 'Invalid body', problems);
  const spec = toSpec(dto);
  const mismatches = contractProblems(spec);
  if (mismatches.length > 0) throw invalidFields('invalid-body', 'Invalid body', mismatches);
  return spec;
}

function view(stored: StoredRule) {
  return {
    id: stored.id,
    version: stored.version,
    ...stored.rule,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}
