import { NestFactory } from '@nestjs/core';
import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, loadConfig, type PlatformConfig } from '@daalu/platform/config';
import { createLogger, NestPinoLogger, Readiness, type Logger } from '@daalu/platform/observability';
import { DataSource } from 'typeorm';
import {
  ensureDatabaseAndSchema,
  projectionDataSourceOptions,
  ProjectionHost,
  runMigrationsLocked,
} from '@daalu/platform/projection';
import { createApp } from './create-app';
import { deadLettersCommand } from './dead-letters-command';
import type { AppDatabase } from './platform.module';

export interface AppDefinition<C extends PlatformConfig> {
  /** Service name: log field, metrics label, NATS connection name. */
  name: string;
  configClass: new () => C;
  /** The app's own schema and migrations, for `main.js migrate`; absent for an app without one. */
  database?: AppDatabase;
  module(config: C, logger: Logger): DynamicModule;
  bodyLimit?: number;
  /** HTTP set-up that must happen before the app initialises (hooks, parsers, error handling). */
  configureHttp?(app: NestFastifyApplication): void;
  /**
   * The app's own operator commands (`node main.js <name> [args…]`), run instead of serving; each
   * resolves to the exit code (none: 0).
   */
  commands?: Record<string, AppCommand<C>>;
}

/** An operator command of an app: validated config, the app's logger, and the arguments after its name. */
export type AppCommand<C extends PlatformConfig> = (
  config: C,
  logger: Logger,
  args: string[],
) => Promise<number | void>;

/**
 * The whole of every app's main.ts: validate config (exit 1 naming the bad variable), then either serve
 * (`node main.js`), migrate the app's schema and exit (`node main.js migrate`, what an upgrade Job runs),
 * rebuild projections (`node main.js rebuild [name]`), list or replay what consumers set aside
 * (`node main.js dead-letters`), or run one of the app's own `commands`, with graceful shutdown.
 */
export async function runApp<C extends PlatformConfig>(definition: AppDefinition<C>): Promise<void> {
  const config = loadConfigOrExit(definition);
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  const [command, ...args] = process.argv.slice(2);
  const own = command ? definition.commands?.[command] : undefined;
  if (own) {
    try {
      process.exitCode = (await own(config, logger, args)) ?? 0;
    } catch (error) {
      logger.fatal({ err: error, command }, `${command} failed`);
      process.exitCode = 1;
    }
    return;
  }
  if (command === 'rebuild') {
    const rebuildConfig = {
      ...config,
      DAALU_CONSUMERS: 'false',
      DAALU_PROJECTION_BATCH: config.DAALU_REBUILD_BATCH,
    } as const;
    await rebuild(definition, rebuildConfig, logger, args[0]);
    return;
  }
  if (command === 'migrate') {
    await migrate(definition.database, config, logger);
    return;
  }
  if (command === 'dead-letters') {
    process.exitCode = await deadLettersCommand(config, logger, args).catch((error: Error) => {
      process.stderr.write(`dead-letters: ${error.message}\n`);
      return 1;
    });
    return;
  }
  if (command) {
    const ownNames = Object.keys(definition.commands ?? {}).map((name) => `, "${name}"`);
    logger.fatal(
      { command },
      `unknown command "${command}"; use no argument to serve, "migrate", "rebuild [projection]", "dead-letters"${ownNames.join('')}`,
    );
    process.exit(2);
  }

  const app = await createApp(definition.module(config, logger), {
    logger,
    bodyLimit: definition.bodyLimit,
    configure: definition.configureHttp,
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ url: await app.getUrl() }, `${definition.name} listening`);

  let closing = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.info(
      { signal, graceMs: config.DAALU_SHUTDOWN_GRACE_MS },
      'shutting down: stop pulling, finish in-flight work, drain',
    );
    const timer = setTimeout(() => {
      logger.error('graceful shutdown took too long; exiting');
      process.exit(1);
    }, config.DAALU_SHUTDOWN_GRACE_MS);
    timer.unref();
    // Load balancers and Kubernetes stop sending new work while in-flight work finishes: the HTTP server
    // keeps answering (503 on /health/ready) until the modules have drained.
    app.get(Readiness).markShuttingDown();
    await app.close();
    logger.info('shut down cleanly');
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/** Applies the schema's pending migrations under the same advisory lock replicas take at start. */
async function migrate(database: AppDatabase | undefined, config: PlatformConfig, logger: Logger): Promise<void> {
  if (!database) {
    logger.info('this app has no database: nothing to migrate');
    return;
  }
  const startedAt = Date.now();
  const url = config.DATABASE_URL;
  const { schema, migrations } = database;
  await ensureDatabaseAndSchema(url, schema);
  const dataSource = await new DataSource(projectionDataSourceOptions({ url, schema, migrations })).initialize();
  try {
    const applied = await runMigrationsLocked(dataSource, url, schema);
    logger.info(
      { schema, applied, ms: Date.now() - startedAt },
      applied.length
        ? `schema "${schema}": applied ${applied.length} migration(s)`
        : `schema "${schema}" is up to date`,
    );
  } finally {
    await dataSource.destroy();
  }
}

function loadConfigOrExit<C extends PlatformConfig>(definition: AppDefinition<C>): C {
  try {
    return loadConfig(definition.configClass);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // A plain message for the person starting it, then the same as a JSON log line for the log pipeline.
    process.stderr.write(`${definition.name}: ${error.message}\n`);
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', service: definition.name, msg: 'invalid configuration', problems: error.problems })}\n`,
    );
    process.exit(1);
  }
}

async function rebuild<C extends PlatformConfig>(
  definition: AppDefinition<C>,
  config: C,
  logger: Logger,
  only: string | undefined,
): Promise<void> {
  const context = await NestFactory.createApplicationContext(definition.module(config, logger), {
    logger: new NestPinoLogger(logger),
  });
  const host = context.get(ProjectionHost);
  const runners = only ? [host.get(only)] : host.list();
  if (runners.length === 0) logger.warn('this app has no projections to rebuild');
  for (const runner of runners) {
    const name = runner.projection.name;
    const startedAt = Date.now();
    process.stderr.write(`rebuild ${name}: dropping the projection and replaying the log from the start\n`);
    await runner.rebuild(
      ({ applied, total, lastSequence }) => {
        const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
        const percent = total > 0 ? ((100 * applied) / total).toFixed(1) : '100.0';
        process.stderr.write(
          `rebuild ${name}: ${applied.toLocaleString('en')} / ${total.toLocaleString('en')} messages (${percent}%), ` +
            `${Math.round(applied / seconds).toLocaleString('en')} msg/s, at stream sequence ${lastSequence}\n`,
        );
      },
      () => process.stderr.write(`rebuild ${name}: log replayed; finishing (e.g. building indexes)\n`),
    );
    process.stderr.write(`rebuild ${name}: done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
    await runner.stop();
  }
  await context.close();
}
