import { Module } from '@nestjs/common';
import { ApiTokenDirectory } from './api-token-directory';
import { TenantGuard } from './tenant.guard';

/** Tenant API authentication for any app: the API-token directory and the guard that uses it. */
@Module({
  providers: [ApiTokenDirectory, TenantGuard],
  exports: [ApiTokenDirectory, TenantGuard],
})
export class TenancyModule {}
