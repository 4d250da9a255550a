import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InboundRequest } from '@daalu/ingest/data-access';
import { TenancyModule } from '@daalu/platform/tenancy';
import { CredentialDirectory } from './credentials/credential-directory';
import { OperatorGuard } from './credentials/operator.guard';
import { ApiTokensController } from './credentials/api-tokens.controller';
import { ApiTokensService } from './credentials/api-tokens.service';
import { ConfigFactWriter } from './credentials/config-fact-writer';
import { CredentialFactsService } from './credentials/credential-facts.service';
import { IngestKeyController } from './credentials/ingest-key.controller';
import { TenantsController } from './credentials/tenants.controller';
import { EventIngestService } from './events/event-ingest.service';
import { IdempotencyStore } from './events/idempotency-store';
import { IngestRateLimiter } from './events/ingest-rate-limiter';
import { IngestDetailController } from './history/ingest-detail.controller';
import { InboundHistory } from './history/inbound-history';
import { TenantAdminService } from './tenants/tenant-admin.service';
import { Clock } from './shared/clock';
import { INGEST_OPTIONS, type IngestOptions } from './shared/ingest-options';

/** Everything behind the ingest endpoint: tenants and keys, the endpoint itself, inbound history. */
@Module({})
export class IngestFeatureModule {
  static forRoot(options: IngestOptions): DynamicModule {
    return {
      module: IngestFeatureModule,
      imports: [TypeOrmModule.forFeature([InboundRequest]), TenancyModule],
      controllers: [TenantsController, IngestKeyController, ApiTokensController, IngestDetailController],
      providers: [
        { provide: INGEST_OPTIONS, useValue: options },
        Clock,
        CredentialDirectory,
        ConfigFactWriter,
        CredentialFactsService,
        ApiTokensService,
        TenantAdminService,
        OperatorGuard,
        IngestRateLimiter,
        IdempotencyStore,
        EventIngestService,
        InboundHistory,
      ],
      exports: [CredentialDirectory, Clock, InboundHistory],
    };
  }
}
