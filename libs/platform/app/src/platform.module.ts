import { Module, type DynamicModule } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import type { PlatformConfig } from '@daalu/platform/config';
import { JetStreamModule, STALL_AFTER_MS } from '@daalu/platform/jetstream';
import { ObservabilityModule, type Logger } from '@daalu/platform/observability';
import { ProjectionModule } from '@daalu/platform/projection';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** An app's own schema and the migrations that build it. */
export interface AppDatabase {
  schema: string;
  migrations: Array<new () => MigrationInterface>;
}

export interface PlatformModuleOptions {
  service: string;
  config: PlatformConfig;
  logger: Logger;
  /** The app's own schema and migrations; omit for an app without a database projection. */
  database?: AppDatabase;
}

/** What every app stands on: config, logs, metrics and health, NATS/JetStream, and its own database. */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    const { config, service, logger, database } = options;
    const imports: DynamicModule[] = [
      ObservabilityModule.forRoot({ service, logger }),
      JetStreamModule.forRoot({
        servers: config.NATS_URL,
        name: service,
        namespace: config.DAALU_NAMESPACE,
        eventRetentionDays: config.DAALU_EVENT_RETENTION_DAYS,
        replicas: config.DAALU_STREAM_REPLICAS,
      }),
    ];
    if (database) {
      imports.push(
        ProjectionModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          schema: database.schema,
          migrations: database.migrations,
          batchSize: config.DAALU_PROJECTION_BATCH,
          lingerMs: 2,
          stallAfterMs: config.DAALU_STALL_AFTER_S * 1000,
          startConsumers: config.DAALU_CONSUMERS === 'true',
        }),
      );
    }
    return {
      module: PlatformModule,
      global: true,
      imports,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: STALL_AFTER_MS, useValue: config.DAALU_STALL_AFTER_S * 1000 },
      ],
      exports: [APP_CONFIG, STALL_AFTER_MS, ...imports],
    };
  }
}
