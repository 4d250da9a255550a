import { Global, Module } from '@nestjs/common';
import { ApiTokenDirectory } from './api-token-directory';
import { TenantErasure } from './tenant-erasure';
import { TenantGuard } from './tenant.guard';
import { TokenUsage } from './token-usage';

/**
 * Tenant API authentication for any app: the API-token directory, the guard, token last-use records,
 * and what a deleted tenant means for the app's own schema. Global: one directory per app.
 */
@Global()
@Module({
  providers: [ApiTokenDirectory, TenantGuard, TokenUsage, TenantErasure],
  exports: [ApiTokenDirectory, TenantGuard, TokenUsage, TenantErasure],
})
export class TenancyModule {}
