import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, UseGuards } from '@nestjs/common';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import {
  decodeCursor,
  encodeCursor,
  invalidFields,
  problem,
  ProblemException,
  validateBody,
  type FieldError,
} from '@daalu/platform/http';
import { TenantGuard, type TenantRequest } from '@daalu/platform/tenancy';
import { findProposal, listProposals, type ProposalState } from '@daalu/rules/data-access';
import { ProposalsService } from './proposals.service';

export class CreateProposalDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  kind: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title: string;

  @IsOptional()
  @IsObject()
  payload?: Record<string, unknown>;
}

export class DecisionDto {
  /** Who decides, as the record should show it; the caller's API token when absent. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  by?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

/** `/api/v1/proposals`: change proposals, approved or rejected, each step a fact on the log and the timeline. */
@Controller('api/v1/proposals')
@UseGuards(TenantGuard)
export class ProposalsController {
  constructor(
    private readonly proposals: ProposalsService,
    private readonly dataSource: DataSource,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Req() request: TenantRequest, @Body() body: unknown) {
    const dto = await validateBody(CreateProposalDto, body, { forbidUnknownFields: true });
    return this.proposals.create(request.tenantId!, request.actor!, dto.kind, dto.title, dto.payload ?? {});
  }

  @Get()
  async list(@Req() request: TenantRequest, @Query() query: Record<string, string | string[] | undefined>) {
    const errors: FieldError[] = [];
    for (const name of Object.keys(query)) {
      if (!['state', 'limit', 'cursor'].includes(name)) errors.push({ field: name, message: 'unknown parameter' });
    }
    const state = query.state;
    if (state !== undefined && !['pending', 'approved', 'rejected'].includes(String(state))) {
      errors.push({ field: 'state', message: 'must be pending, approved or rejected' });
    }
    const limit = query.limit === undefined ? 50 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      errors.push({ field: 'limit', message: 'must be an integer from 1 to 500' });
    const cursor = typeof query.cursor === 'string' ? decodeCursor(query.cursor) : undefined;
    if (query.cursor !== undefined && !cursor)
      errors.push({ field: 'cursor', message: 'not a cursor this API issued' });
    if (errors.length > 0) throw invalidFields('invalid-query', 'Invalid query', errors);
    const page = await listProposals(
      this.dataSource,
      request.tenantId!,
      state as ProposalState | undefined,
      limit,
      cursor,
    );
    return { items: page.items, nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null };
  }

  @Get(':id')
  async get(@Req() request: TenantRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    const found = await findProposal(this.dataSource, request.tenantId!, id);
    if (!found) throw new ProblemException(problem(404, 'not-found', 'Not found', 'no such proposal'));
    return found.view;
  }

  @Post(':id/approve')
  @HttpCode(200)
  async approve(@Req() request: TenantRequest, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown) {
    return this.decide(request, id, 'approved', body);
  }

  @Post(':id/reject')
  @HttpCode(200)
  async reject(@Req() request: TenantRequest, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown) {
    return this.decide(request, id, 'rejected', body);
  }

  private async decide(request: TenantRequest, id: string, decision: 'approved' | 'rejected', body: unknown) {
    const dto = await validateBody(DecisionDto, body ?? {}, { forbidUnknownFields: true });
    const actor = dto.by ?? request.actor!;
    return this.proposals.decide(request.tenantId!, id, decision, actor, dto.reason ?? null);
  }
}
