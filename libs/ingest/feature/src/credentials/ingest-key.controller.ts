import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { TenantGuard, type TenantRequest } from './credential-auth.guards';
import { CredentialFactsService } from './credential-facts.service';

/** Tenant API: rotate the ingest key (Managed Infra → Webhooks → Ingest key). */
@Controller('api/v1/ingest-key')
@UseGuards(TenantGuard)
export class IngestKeyController {
  constructor(private readonly facts: CredentialFactsService) {}

  /** A new key, shown once; the previous key keeps working until previousKeyExpiresAt (24 h). */
  @Post('rotate')
  @HttpCode(201)
  rotate(@Req() request: TenantRequest) {
    return this.facts.rotateIngestKey(request.tenantId!);
  }
}
