import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { validateBody } from '@daalu/platform/http';
import { TenantGuard, type TenantRequest } from '@daalu/platform/tenancy';
import { CredentialFactsService } from './credential-facts.service';

@ApiSchema({ name: 'RotateIngestKey' })
export class RotateIngestKeyDto {
  /** How long the previous key keeps working; 0 revokes it at once (a leaked key). Default 24 h. */
  @ApiPropertyOptional({
    type: 'integer',
    description: 'How long the previous key keeps working (s); 0 revokes it at once (a leaked key). 86400 when absent',
    minimum: 0,
    maximum: 86_400,
    example: 3600,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  graceSeconds?: number;
}

@ApiSchema({ name: 'RotatedIngestKey' })
export class RotatedIngestKeyView {
  @ApiProperty({
    description: 'The new ingest key, shown this once',
    pattern: '^dik_[0-9A-Za-z]{49}$',
    example: 'dik_9Lm2Qx7Tz0Rb4Wc8Yd1Ve5Uf3Sg6Ph9Oi2Nj4Mk7Hl0Gn3Fo5a',
  })
  ingestKey: string;

  @ApiProperty({ format: 'date-time', description: 'When the previous key stops working' })
  previousKeyExpiresAt: string;
}

/** Tenant API: rotate the ingest key (Managed Infra → Webhooks → Ingest key). */
@ApiTags('Ingest')
@ApiBearerAuth('tenantToken')
@Controller('api/v1/ingest-key')
@UseGuards(TenantGuard)
export class IngestKeyController {
  constructor(private readonly facts: CredentialFactsService) {}

  /** A new key, shown once; the previous key keeps working until previousKeyExpiresAt (24 h, or graceSeconds). */
  @Post('rotate')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Rotate the ingest key',
    description:
      'A new key, shown once; the previous key keeps working until previousKeyExpiresAt. The body is optional.',
  })
  @ApiBody({ type: RotateIngestKeyDto, required: false })
  @ApiCreatedResponse({ type: RotatedIngestKeyView, description: 'The new key' })
  @ApiConflictResponse({ description: 'Rotated concurrently; retry' })
  async rotate(@Req() request: TenantRequest, @Body() body: unknown) {
    const dto = await validateBody(RotateIngestKeyDto, body ?? {});
    return this.facts.rotateIngestKey(request.tenantId!, dto.graceSeconds);
  }
}
