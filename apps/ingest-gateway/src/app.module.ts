import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@daalu/platform/app';
import type { Logger } from '@daalu/platform/observability';
import { IngestGatewayConfig } from './config';

/** Composes the app: the platform, then its features. No logic here. */
@Module({})
export class AppModule {
  static forRoot(config: IngestGatewayConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'ingest-gateway',
          config,
          logger,
        }),
      ],
    };
  }
}
