import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type AppDatabase } from '@daalu/platform/app';
import type { Logger } from '@daalu/platform/observability';
import { TimelineProjectionModule } from '@daalu/timeline/feature-projection';
import { TimelineQueryModule } from '@daalu/timeline/feature-query';
import { TIMELINE_MIGRATIONS } from '@daalu/timeline/data-access';
import { TimelineProjectorConfig } from './config';

/** This app's schema and migrations (also run on their own by `main.js migrate`). */
export const DATABASE: AppDatabase = { schema: 'timeline', migrations: [...TIMELINE_MIGRATIONS] };

/** Composes the app: the platform, then its features. No logic here. */
@Module({})
export class AppModule {
  static forRoot(config: TimelineProjectorConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'timeline-projector',
          config,
          logger,
          database: DATABASE,
        }),
        TimelineProjectionModule.forRoot({ retentionDays: config.DAALU_TIMELINE_RETENTION_DAYS }),
        TimelineQueryModule,
      ],
    };
  }
}
