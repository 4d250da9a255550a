import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@daalu/platform/app';
import type { Logger } from '@daalu/platform/observability';
import { DEVELOPMENT_SECRET_KEY, WebhooksModule } from '@daalu/outbound/feature';
import { OutboundDispatcherConfig } from './config';

/** Composes the app: the platform, then its features. No logic here. */
@Module({})
export class AppModule {
  static forRoot(config: OutboundDispatcherConfig, logger: Logger): DynamicModule {
    if (!config.DAALU_SECRET_KEY) {
      logger.warn('DAALU_SECRET_KEY is not set: sealing secrets with the public development key (never in production)');
    }
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'outbound-dispatcher',
          config,
          logger,
          database: { schema: 'outbound', migrations: [] },
        }),
        WebhooksModule.forRoot({
          secretKeys: [
            config.DAALU_SECRET_KEY ?? DEVELOPMENT_SECRET_KEY,
            ...(config.DAALU_SECRET_KEYS_PREVIOUS?.split(',') ?? []),
          ],
          allow: config.DAALU_OUTBOUND_ALLOW?.split(',') ?? [],
          keyGraceSeconds: config.DAALU_KEY_GRACE_S,
        }),
      ],
    };
  }
}
