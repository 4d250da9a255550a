import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type AppDatabase } from '@daalu/platform/app';
import type { Logger } from '@daalu/platform/observability';
import { OUTBOUND_MIGRATIONS } from '@daalu/outbound/data-access';
import { retryScheduleOf } from '@daalu/outbound/domain';
import { DeliveriesModule, DEVELOPMENT_SECRET_KEY, type OutboundOptions } from '@daalu/outbound/feature';
import { OutboundDispatcherConfig } from './config';

/** This app's schema and migrations (also run on their own by `main.js migrate`). */
export const DATABASE: AppDatabase = { schema: 'outbound', migrations: [...OUTBOUND_MIGRATIONS] };

/** Composes the app: the platform, then its features. No logic here. */
@Module({})
export class AppModule {
  static forRoot(config: OutboundDispatcherConfig, logger: Logger): DynamicModule {
    if (!config.DAALU_SECRET_KEY) {
      logger.warn('DAALU_SECRET_KEY is not set: sealing secrets with the public development key (never in production)');
    }
    if (config.DAALU_SHUTDOWN_GRACE_MS <= config.DAALU_DELIVERY_TIMEOUT_MS) {
      logger.warn(
        { graceMs: config.DAALU_SHUTDOWN_GRACE_MS, deliveryTimeoutMs: config.DAALU_DELIVERY_TIMEOUT_MS },
        'DAALU_SHUTDOWN_GRACE_MS is not longer than DAALU_DELIVERY_TIMEOUT_MS: a shutdown may cut an attempt short',
      );
    }
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'outbound-dispatcher',
          config,
          logger,
          database: DATABASE,
        }),
        DeliveriesModule.forRoot(
          outboundOptionsOf(config),
          retryScheduleOf(config.DAALU_RETRY_BASE_MS, config.DAALU_RETRY_WINDOW_S * 1000),
        ),
      ],
    };
  }
}

/** The outbound features' settings from the validated config (the serving app's and `reseal`'s). */
export function outboundOptionsOf(config: OutboundDispatcherConfig): OutboundOptions {
  return {
    secretKeys: [
      config.DAALU_SECRET_KEY ?? DEVELOPMENT_SECRET_KEY,
      ...(config.DAALU_SECRET_KEYS_PREVIOUS?.split(',') ?? []),
    ],
    allow: config.DAALU_OUTBOUND_ALLOW?.split(',') ?? [],
    keyGraceSeconds: config.DAALU_KEY_GRACE_S,
    deliveryTimeoutMs: config.DAALU_DELIVERY_TIMEOUT_MS,
    ratePerUrl: config.DAALU_OUTBOUND_RATE_PER_URL,
    maxAckPending: config.DAALU_DISPATCH_MAX_ACK_PENDING,
    disableAfterMs: config.DAALU_DISABLE_AFTER_S * 1000,
  };
}
