import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { validateBody } from '@daalu/platform/http';
import { TenantGuard, type TenantRequest } from '@daalu/platform/tenancy';
import { CredentialFactsService } from './credential-facts.service';

export class RotateIngestKeyDto {
  /** How long the previous key keeps working; 0 revokes it at once (a leaked key). Default 24 h. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  graceSeconds?: number;
}

/** Tenant API: rotate the ingest key (Managed Infra → Webhooks → Ingest key). */
@Controller('api/v1/ingest-key')
@UseGuards(TenantGuard)
export class IngestKeyController {
  constructor(private readonly facts: CredentialFactsService) {}

  /** A new key, shown once; the previous key keeps working until previousKeyExpiresAt (24 h, or graceSeconds). */
  @Post('rotate')
  @HttpCode(201)
  async rotate(@Req() request: TenantRequest, @Body() body: unknown) {
    const dto = await validateBody(RotateIngestKeyDto, body ?? {});
    return this.facts.rotateIngestKey(request.tenantId!, dto.graceSeconds);
  }
}
