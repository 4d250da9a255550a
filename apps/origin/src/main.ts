import 'reflect-metadata';
import { ConfigError, loadConfig } from '@daalu/platform/config';
import { createLogger } from '@daalu/platform/observability';
import { OriginConfig } from './config';
import { buildOriginServer } from './origin-server';

/** How long in-flight requests may take to finish at shutdown (ms). */
const SHUTDOWN_GRACE_MS = 5_000;

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
    // In-flight requests get the grace period; then whatever is still open (a client holding a
    // keep-alive connection or a stream) is cut, and a close that still hangs ends the process anyway.
    const cut = setTimeout(() => {
      logger.warn('shutdown grace over: closing the connections still open');
      app.server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    const exit = setTimeout(() => {
      logger.error('origin did not close in time; exiting');
      process.exit(1);
    }, 2 * SHUTDOWN_GRACE_MS);
    cut.unref();
    exit.unref();
    await app.close();
    logger.info('origin shut down');
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

void main();
