import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type MigrationInterface } from 'typeorm';
import { Readiness } from '@daalu/platform/observability';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { projectionDataSourceOptions } from './database';
import { openProjectionDataSource } from './migrations';
import { PROJECTION_OPTIONS, ProjectionHost, type ProjectionHostOptions } from './projection-host';

export interface ProjectionModuleOptions extends Omit<ProjectionHostOptions, 'databaseUrl'> {
  databaseUrl: string;
  migrations: Array<new () => MigrationInterface>;
}

/**
 * The app's own PostgreSQL schema (created if missing, migrated at start under an advisory lock, never
 * synchronised) and the
 * projection host. Feature modules add their entities with TypeOrmModule.forFeature.
 */
@Global()
@Module({})
export class ProjectionModule {
  static forRoot(options: ProjectionModuleOptions): DynamicModule {
    return {
      module: ProjectionModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...projectionDataSourceOptions({
              url: options.databaseUrl,
              schema: options.schema,
              migrations: options.migrations,
            }),
            autoLoadEntities: true,
            retryAttempts: 1_000_000,
            retryDelay: 1000,
          }),
          dataSourceFactory: (dataSourceOptions) =>
            openProjectionDataSource({
              ...(dataSourceOptions as PostgresConnectionOptions),
              url: options.databaseUrl,
              schema: options.schema,
            }),
        }),
      ],
      providers: [
        { provide: PROJECTION_OPTIONS, useValue: options },
        ProjectionHost,
        {
          provide: 'POSTGRES_READINESS',
          inject: [DataSource, Readiness],
          useFactory: (dataSource: DataSource, readiness: Readiness) => {
            readiness.register('postgres', async () => {
              await dataSource.query('SELECT 1');
              return { ok: true };
            });
            return true;
          },
        },
      ],
      exports: [ProjectionHost, PROJECTION_OPTIONS],
    };
  }
}
