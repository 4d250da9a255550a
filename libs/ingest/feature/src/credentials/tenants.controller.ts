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
  Query,
  UseGuards,
} from '@nestjs/common';
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
  ApiQuery,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { QueryReader, validateBody, type RawQuery } from '@daalu/platform/http';
import { Actor } from '@daalu/platform/tenancy';
import { TenantAdminService } from '../tenants/tenant-admin.service';
import { OperatorGuard } from './operator.guard';
import { CredentialFactsService } from './credential-facts.service';

@ApiSchema({ name: 'CreateTenant' })
export class CreateTenantDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'acme' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}

@ApiSchema({ name: 'SetRateLimit' })
export class SetRateLimitDto {
  @ApiProperty({ description: 'Ingest POSTs per second for the tenant', minimum: 0.1, maximum: 1_000_000, example: 50 })
  @Type(() => Number)
  @IsNumber()
  @Min(0.1)
  @Max(1_000_000)
  perSecond: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'How many may come at once; perSecond rounded up when absent',
    minimum: 1,
    maximum: 1_000_000,
    example: 100,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  burst?: number;
}

@ApiSchema({ name: 'CreatedTenant' })
export class CreatedTenantView {
  @ApiProperty({ format: 'uuid', example: '0193a5b2-6f00-7a3c-8d2e-5b1c9e7f4a10' })
  id: string;

  @ApiProperty({ example: 'acme' })
  name: string;

  @ApiProperty({
    description: 'The ingest key (X-Daalu-Key), shown this once',
    pattern: '^dik_[0-9A-Za-z]{49}$',
    example: 'dik_3kTq9ZyR1bW0pXf7LmN2sA8vE5cH4jG6uD1oI0tY9rQwKe2F7a',
  })
  ingestKey: string;

  @ApiProperty({
    description: 'The tenant API token (Authorization: Bearer), shown this once',
    pattern: '^dat_[0-9A-Za-z]{49}$',
    example: 'dat_7fQ2mX8pL1nR4sT6vW9yZ0aB3cD5eF7gH9iJ1kM3oP5qR7uV2b',
  })
  apiToken: string;
}

@ApiSchema({ name: 'TenantRateLimit' })
export class TenantRateLimitView {
  @ApiProperty({ format: 'uuid', example: '0193a5b2-6f00-7a3c-8d2e-5b1c9e7f4a10' })
  tenantId: string;

  @ApiProperty({ example: 50 })
  perSecond: number;

  @ApiProperty({ type: 'integer', example: 100 })
  burst: number;
}

@ApiSchema({ name: 'SuspendTenant' })
export class SuspendTenantDto {
  @ApiPropertyOptional({ maxLength: 500, example: 'invoice unpaid', description: 'Why (kept on the log)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

@ApiSchema({ name: 'RateLimit' })
export class RateLimitView {
  @ApiProperty({ description: 'Ingest POSTs per second', example: 50 })
  perSecond: number;

  @ApiProperty({ type: 'integer', description: 'How many may come at once', example: 100 })
  burst: number;
}

@ApiSchema({ name: 'TenantSummary' })
export class TenantSummaryView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'acme' })
  name: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ enum: ['active', 'suspended'] })
  state: 'active' | 'suspended';

  @ApiProperty({ type: RateLimitView, description: 'The limit in force (the default unless an operator set one)' })
  rateLimit: RateLimitView;
}

@ApiSchema({ name: 'TenantList' })
export class TenantListView {
  @ApiProperty({ type: [TenantSummaryView] })
  items: TenantSummaryView[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last' })
  nextCursor: string | null;
}

@ApiSchema({ name: 'TenantIngestKey' })
export class TenantIngestKeyView {
  @ApiProperty({ format: 'uuid' })
  keyId: string;

  @ApiProperty({ example: 'dik_3kTq…' })
  prefix: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'The current key: when it was issued' })
  issuedAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'A rotated-out key: when it stops working' })
  expiresAt?: string;

  @ApiProperty()
  current: boolean;
}

@ApiSchema({ name: 'TenantApiToken' })
export class TenantApiTokenView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'initial' })
  name: string;

  @ApiProperty({ example: 'dat_7fQ2…' })
  prefix: string;

  @ApiProperty({ type: [String], example: ['admin'] })
  scopes: string[];

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt: string | null;
}

@ApiSchema({ name: 'TenantCounts' })
export class TenantCountsView {
  @ApiProperty({ type: 'integer' })
  apiTokens: number;

  @ApiProperty({ type: 'integer' })
  webhooks: number;

  @ApiProperty({ type: 'integer' })
  alertRules: number;
}

@ApiSchema({ name: 'TenantDetail' })
export class TenantDetailView extends TenantSummaryView {
  @ApiProperty({ type: [TenantIngestKeyView] })
  ingestKeys: TenantIngestKeyView[];

  @ApiProperty({ type: [TenantApiTokenView] })
  apiTokens: TenantApiTokenView[];

  @ApiProperty({ type: TenantCountsView })
  counts: TenantCountsView;
}

/** Operator API: tenants and their limits. */
@ApiTags('Tenants')
@ApiBearerAuth('operatorToken')
@Controller('api/v1/tenants')
@UseGuards(OperatorGuard)
export class TenantsController {
  constructor(
    private readonly facts: CredentialFactsService,
    private readonly admin: TenantAdminService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List tenants', description: 'Newest first; `q` matches part of the name.' })
  @ApiQuery({ name: 'q', required: false, description: 'Part of the name, any case' })
  @ApiQuery({ name: 'cursor', required: false, description: 'The nextCursor of the page before' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } })
  @ApiOkResponse({ type: TenantListView })
  list(@Query() query: RawQuery) {
    const reader = new QueryReader(query, ['q', 'cursor', 'limit']);
    const q = reader.text('q', 200, 0);
    const after = reader.uuid('cursor', 'the nextCursor of the page before (a tenant id)');
    const limit = reader.limit(50, 200);
    reader.done();
    return this.admin.list({ q: q || undefined, after, limit });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Inspect a tenant', description: 'Keys and tokens by prefix, counts, rate limit, state.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: TenantDetailView })
  @ApiNotFoundResponse({ description: 'No such tenant' })
  get(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.admin.get(id);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Suspend a tenant',
    description: 'Its ingest and its API tokens get 403 until it is resumed; nothing is deleted. The body is optional.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: SuspendTenantDto, required: false })
  @ApiOkResponse({ type: TenantDetailView })
  @ApiNotFoundResponse({ description: 'No such tenant' })
  async suspend(@Param('id', new ParseUUIDPipe()) id: string, @Actor() actor: string, @Body() body: unknown) {
    const dto = await validateBody(SuspendTenantDto, body ?? {});
    return this.admin.suspend(id, dto.reason ?? '', actor);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a suspended tenant' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: TenantDetailView })
  @ApiNotFoundResponse({ description: 'No such tenant' })
  resume(@Param('id', new ParseUUIDPipe()) id: string, @Actor() actor: string) {
    return this.admin.resume(id, actor);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a tenant',
    description:
      'Its rows are removed from every app, its configuration (sealed secrets included) purged from the log; ' +
      'its events still on the log are skipped and age out with retention.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No such tenant' })
  async remove(@Param('id', new ParseUUIDPipe()) id: string, @Actor() actor: string): Promise<void> {
    await this.admin.delete(id, actor);
  }

  /** Creates a tenant; its ingest key and API token are in this response only. */
  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a tenant', description: 'Its ingest key and API token are in this answer only.' })
  @ApiBody({ type: CreateTenantDto })
  @ApiCreatedResponse({ type: CreatedTenantView, description: 'The tenant, with its credentials' })
  @ApiConflictResponse({ description: 'Changed concurrently; retry' })
  async create(@Body() body: unknown, @Actor() actor: string) {
    const dto = await validateBody(CreateTenantDto, body);
    return this.facts.createTenant(dto.name, actor);
  }

  /** Raises (or lowers) one tenant's inbound limit: "Need more? Email support." */
  @Put(':id/rate-limit')
  @ApiOperation({ summary: 'Set a tenant’s ingest rate limit' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The tenant' })
  @ApiBody({ type: SetRateLimitDto })
  @ApiOkResponse({ type: TenantRateLimitView, description: 'The limit now in force' })
  @ApiNotFoundResponse({ description: 'No such tenant' })
  @ApiConflictResponse({ description: 'Changed concurrently; retry' })
  async setRateLimit(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown, @Actor() actor: string) {
    const dto = await validateBody(SetRateLimitDto, body);
    const burst = dto.burst ?? Math.max(1, Math.ceil(dto.perSecond));
    await this.facts.setRateLimit(id, dto.perSecond, burst, actor);
    return { tenantId: id, perSecond: dto.perSecond, burst };
  }
}
