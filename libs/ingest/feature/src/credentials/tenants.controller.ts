import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Put, UseGuards } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { validateBody } from '@daalu/platform/http';
import { OperatorGuard } from './operator.guard';
import { CredentialFactsService } from './credential-facts.service';

export class CreateTenantDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}

export class SetRateLimitDto {
  @Type(() => Number)
  @IsNumber()
  @Min(0.1)
  @Max(1_000_000)
  perSecond: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  burst?: number;
}

/** Operator API: tenants and their limits. */
@Controller('api/v1/tenants')
@UseGuards(OperatorGuard)
export class TenantsController {
  constructor(private readonly facts: CredentialFactsService) {}

  /** Creates a tenant; its ingest key and API token are in this response only. */
  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown) {
    const dto = await validateBody(CreateTenantDto, body);
    return this.facts.createTenant(dto.name);
  }

  /** Raises (or lowers) one tenant's inbound limit: "Need more? Email support." */
  @Put(':id/rate-limit')
  async setRateLimit(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown) {
    const dto = await validateBody(SetRateLimitDto, body);
    const burst = dto.burst ?? Math.max(1, Math.ceil(dto.perSecond));
    await this.facts.setRateLimit(id, dto.perSecond, burst);
    return { tenantId: id, perSecond: dto.perSecond, burst };
  }
}
