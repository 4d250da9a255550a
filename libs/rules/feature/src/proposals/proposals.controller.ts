import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiSchema,
  ApiTags,
} from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import {
  encodeCursor,
  problem,
  ProblemException,
  QueryReader,
  validateBody,
  type RawQuery,
} from '@daalu/platform/http';
import { Actor, Tenant, TenantGuard } from '@daalu/platform/tenancy';
import { findProposal, listProposals, type ProposalState } from '@daalu/rules/data-access';
import { ProposalsService } from './proposals.service';

@ApiSchema({ name: 'CreateProposal' })
export class CreateProposalDto {
  @ApiProperty({ minLength: 1, maxLength: 64, description: 'What kind of change', example: 'scale-up' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  kind: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Add a second backup host' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, default: {}, example: { hosts: 2 } })
  @IsOptional()
  @IsObject()
  payload?: Record<string, unknown>;
}

@ApiSchema({ name: 'Decision' })
export class DecisionDto {
  /** Who decides, as the record should show it; the caller's API token when absent. */
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    description: 'Who decides, as the record should show it; the caller’s API token when absent',
    example: 'jane@acme.example',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  by?: string;

  @ApiPropertyOptional({ maxLength: 1000, example: 'fits the budget' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

@ApiSchema({ name: 'Proposal' })
export class ProposalView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'scale-up' })
  kind: string;

  @ApiProperty({ example: 'Add a second backup host' })
  title: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { hosts: 2 } })
  payload: Record<string, unknown>;

  @ApiProperty({ enum: ['pending', 'approved', 'rejected'] })
  state: ProposalState;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ example: 'deploy bot (dat_7fQ2…)' })
  createdBy: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  decidedAt: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  decidedBy: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  reason: string | null;
}

@ApiSchema({ name: 'ProposalPage' })
export class ProposalPageView {
  @ApiProperty({ type: () => [ProposalView], description: 'Newest first' })
  items: ProposalView[];

  @ApiProperty({ type: 'string', nullable: true, description: 'The next page’s cursor; null on the last page' })
  nextCursor: string | null;
}

const PROPOSAL_STATES: readonly ProposalState[] = ['pending', 'approved', 'rejected'];
const PROPOSAL_ID = { name: 'id', format: 'uuid', description: 'The proposal' };

/** `/api/v1/proposals`: change proposals, approved or rejected, each step a fact on the log and the timeline. */
@ApiTags('Proposals')
@ApiBearerAuth('tenantToken')
@Controller('api/v1/proposals')
@UseGuards(TenantGuard)
export class ProposalsController {
  constructor(
    private readonly proposals: ProposalsService,
    private readonly dataSource: DataSource,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Propose a change',
    description: 'A fact on the log and the timeline; it waits for approve or reject.',
  })
  @ApiBody({ type: CreateProposalDto })
  @ApiCreatedResponse({ type: ProposalView })
  async create(@Tenant() tenantId: string, @Actor() actor: string, @Body() body: unknown) {
    const dto = await validateBody(CreateProposalDto, body, { forbidUnknownFields: true });
    return this.proposals.create(tenantId, actor, dto.kind, dto.title, dto.payload ?? {});
  }

  @Get()
  @ApiOperation({ summary: 'The proposals', description: 'Newest first, in cursor pages.' })
  @ApiQuery({ name: 'state', required: false, enum: ['pending', 'approved', 'rejected'] })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page, as given', type: String })
  @ApiOkResponse({ type: ProposalPageView })
  async list(@Tenant() tenantId: string, @Query() query: RawQuery) {
    const reader = new QueryReader(query, ['state', 'limit', 'cursor']);
    const state = reader.one('state');
    if (state !== undefined && !PROPOSAL_STATES.includes(state as ProposalState)) {
      reader.fail('state', 'must be pending, approved or rejected');
    }
    const limit = reader.limit(50, 500);
    const cursor = reader.cursor();
    reader.done();
    const page = await listProposals(this.dataSource, tenantId, state as ProposalState | undefined, limit, cursor);
    return { items: page.items, nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One proposal' })
  @ApiParam(PROPOSAL_ID)
  @ApiOkResponse({ type: ProposalView })
  @ApiNotFoundResponse({ description: 'No such proposal' })
  async get(@Tenant() tenantId: string, @Param('id', new ParseUUIDPipe()) id: string) {
    const found = await findProposal(this.dataSource, tenantId, id);
    if (!found) throw new ProblemException(problem(404, 'not-found', 'Not found', 'no such proposal'));
    return found.view;
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a proposal', description: 'The body is optional.' })
  @ApiParam(PROPOSAL_ID)
  @ApiBody({ type: DecisionDto, required: false })
  @ApiOkResponse({ type: ProposalView, description: 'The proposal, decided' })
  @ApiNotFoundResponse({ description: 'No such proposal' })
  @ApiConflictResponse({ description: 'Decided already, or changed concurrently' })
  async approve(
    @Tenant() tenantId: string,
    @Actor() actor: string,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: unknown,
  ) {
    return this.decide(tenantId, actor, id, 'approved', body);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a proposal', description: 'The body is optional.' })
  @ApiParam(PROPOSAL_ID)
  @ApiBody({ type: DecisionDto, required: false })
  @ApiOkResponse({ type: ProposalView, description: 'The proposal, decided' })
  @ApiNotFoundResponse({ description: 'No such proposal' })
  @ApiConflictResponse({ description: 'Decided already, or changed concurrently' })
  async reject(
    @Tenant() tenantId: string,
    @Actor() actor: string,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: unknown,
  ) {
    return this.decide(tenantId, actor, id, 'rejected', body);
  }

  private async decide(tenantId: string, actor: string, id: string, decision: 'approved' | 'rejected', body: unknown) {
    const dto = await validateBody(DecisionDto, body ?? {}, { forbidUnknownFields: true });
    return this.proposals.decide(tenantId, id, decision, dto.by ?? actor, dto.reason ?? null);
  }
}
