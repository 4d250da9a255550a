import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { validateBody } from '@daalu/platform/http';
import { Actor, RequireScope, Tenant, TenantGuard } from '@daalu/platform/tenancy';
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

@ApiSchema({ name: 'IngestKeyInUse' })
export class IngestKeyInUseView {
  @ApiProperty({ format: 'uuid' })
  keyId: string;

  @ApiProperty({ example: 'dik_3kTq…' })
  prefix: string;

  @ApiProperty({ format: 'date-time' })
  issuedAt: string;
}

@ApiSchema({ name: 'IngestKeyRotatedOut' })
export class IngestKeyRotatedOutView {
  @ApiProperty({ format: 'uuid' })
  keyId: string;

  @ApiProperty({ example: 'dik_9Lm2…' })
  prefix: string;

  @ApiProperty({ format: 'date-time', description: 'When it stops working' })
  expiresAt: string;
}

@ApiSchema({ name: 'IngestKeyState' })
export class IngestKeyStateView {
  @ApiProperty({ type: IngestKeyInUseView })
  current: IngestKeyInUseView;

  @ApiProperty({
    type: IngestKeyRotatedOutView,
    nullable: true,
    description: 'The key the last rotation replaced, while it still works; null otherwise',
  })
  previous: IngestKeyRotatedOutView | null;
}

/** Tenant API: the ingest key (Managed Infra → Webhooks → Ingest key). Changing it needs the admin scope. */
@ApiTags('Ingest')
@ApiBearerAuth('tenantToken')
@Controller('api/v1/ingest-key')
@UseGuards(TenantGuard)
export class IngestKeyController {
  constructor(private readonly facts: CredentialFactsService) {}

  /** Which key is in use and, during a rotation, until when the previous one still works. */
  @Get()
  @ApiOperation({
    summary: 'Read the ingest key’s state',
    description: 'Prefixes only: the current key, and the one a rotation replaced while it still works.',
  })
  @ApiOkResponse({ type: IngestKeyStateView })
  state(@Tenant() tenantId: string) {
    return this.facts.ingestKeyState(tenantId);
  }

  /** A new key, shown once; the previous key keeps working until previousKeyExpiresAt (24 h, or graceSeconds). */
  @Post('rotate')
  @HttpCode(201)
  @RequireScope('admin')
  @ApiOperation({
    summary: 'Rotate the ingest key',
    description:
      'A new key, shown once; the previous key keeps working until previousKeyExpiresAt. The body is optional.',
  })
  @ApiBody({ type: RotateIngestKeyDto, required: false })
  @ApiCreatedResponse({ type: RotatedIngestKeyView, description: 'The new key' })
  @ApiConflictResponse({ description: 'Rotated concurrently; retry' })
  async rotate(@Tenant() tenantId: string, @Actor() actor: string, @Body() body: unknown) {
    const dto = await validateBody(RotateIngestKeyDto, body ?? {});
    return this.facts.rotateIngestKey(tenantId, actor, dto.graceSeconds);
  }

  /** The rotated-out key stops working now instead of at the end of its grace period (a leaked key). */
  @Post('revoke-previous')
  @HttpCode(200)
  @RequireScope('admin')
  @ApiOperation({
    summary: 'Revoke the previous ingest key now',
    description: 'Ends the grace period of the key the last rotation replaced. No body.',
  })
  @ApiOkResponse({ type: IngestKeyStateView, description: 'The key state after the revocation' })
  @ApiNotFoundResponse({ description: 'No rotated-out key is still working' })
  @ApiConflictResponse({ description: 'Rotated concurrently; retry' })
  revokePrevious(@Tenant() tenantId: string, @Actor() actor: string) {
    return this.facts.revokePreviousKey(tenantId, actor);
  }
}
