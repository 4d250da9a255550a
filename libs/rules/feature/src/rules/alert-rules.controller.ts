import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Req,
  UseGuards,
} from '@nestjs/common';
import { invalidFields, validateBody } from '@daalu/platform/http';
import { TenantGuard, type TenantRequest } from '@daalu/platform/tenancy';
import { AlertRuleDto, contractProblems, ruleProblems, toSpec } from './alert-rule.dto';
import { RuleDirectory, type StoredRule } from './rule-directory';
import { notFound, RuleFactsService } from './rule-facts.service';

/** `/api/v1/alert-rules`: the tenant's alert rules (match and absence), validated, as facts on the log. */
@Controller('api/v1/alert-rules')
@UseGuards(TenantGuard)
export class AlertRulesController {
  constructor(
    private readonly directory: RuleDirectory,
    private readonly facts: RuleFactsService,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Req() request: TenantRequest, @Body() body: unknown) {
    return view(await this.facts.create(request.tenantId!, await validRule(body)));
  }

  /** Every rule of the tenant, oldest first (at most 1000, so one page). */
  @Get()
  list(@Req() request: TenantRequest) {
    return { items: this.directory.list(request.tenantId!).map(view), nextCursor: null };
  }

  @Get(':id')
  get(@Req() request: TenantRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    const rule = this.directory.get(request.tenantId!, id);
    if (!rule) throw notFound();
    return view(rule);
  }

  /** Replaces the rule (a new version); the alerts it already fired keep their state. */
  @Put(':id')
  async replace(@Req() request: TenantRequest, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown) {
    return view(await this.facts.replace(request.tenantId!, id, await validRule(body)));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Req() request: TenantRequest, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.facts.delete(request.tenantId!, id);
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
