import 'reflect-metadata';
import { ConfigError, loadConfig } from '@daalu/platform/config';
import { createLogger } from '@daalu/platform/observability';
import { OriginConfig } from './config';
import { buildOriginServer } from './origin-server';

async function main(): Promise<void> {
  let config: OriginConfig;
  try {
    config = loadConfig(OriginConfig);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`origin: ${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger('origin', config.LOG_LEVEL);
  const { app, markShuttingDown } = await buildOriginServer(config, logger);
  const url = await app.listen({ port: config.DAALU_PORT, host: config.HOST });
  logger.info({ url }, 'origin listening');
  const shutdown = async () => {
    markShuttingDown();
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

void main();
