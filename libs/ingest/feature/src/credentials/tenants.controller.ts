import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Put, UseGuards } from '@nestjs/common';
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
  ApiSchema,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { validateBody } from '@daalu/platform/http';
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

/** Operator API: tenants and their limits. */
@ApiTags('Tenants')
@ApiBearerAuth('operatorToken')
@Controller('api/v1/tenants')
@UseGuards(OperatorGuard)
export class TenantsController {
  constructor(private readonly facts: CredentialFactsService) {}

  /** Creates a tenant; its ingest key and API token are in this response only. */
  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a tenant', description: 'Its ingest key and API token are in this answer only.' })
  @ApiBody({ type: CreateTenantDto })
  @ApiCreatedResponse({ type: CreatedTenantView, description: 'The tenant, with its credentials' })
  @ApiConflictResponse({ description: 'Changed concurrently; retry' })
  async create(@Body() body: unknown) {
    const dto = await validateBody(CreateTenantDto, body);
    return this.facts.createTenant(dto.name);
  }

  /** Raises (or lowers) one tenant's inbound limit: "Need more? Email support." */
  @Put(':id/rate-limit')
  @ApiOperation({ summary: 'Set a tenant’s ingest rate limit' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The tenant' })
  @ApiBody({ type: SetRateLimitDto })
  @ApiOkResponse({ type: TenantRateLimitView, description: 'The limit now in force' })
  @ApiNotFoundResponse({ description: 'No such tenant' })
  @ApiConflictResponse({ description: 'Changed concurrently; retry' })
  async setRateLimit(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown) {
    const dto = await validateBody(SetRateLimitDto, body);
    const burst = dto.burst ?? Math.max(1, Math.ceil(dto.perSecond));
    await this.facts.setRateLimit(id, dto.perSecond, burst);
    return { tenantId: id, perSecond: dto.perSecond, burst };
  }
}
