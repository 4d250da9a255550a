import { join } from 'node:path';
// jest loads global setup with plain require (no path aliases), hence the relative imports.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureLocalServices, natsAnswers, postgresAnswers } from '../../dev/local-services/src';
import { dockerAvailable, startNatsContainer, startPostgresContainer } from './testcontainers-services';

declare global {
  var __DAALU_TEST_STOP__: Array<() => Promise<unknown>> | undefined;
}

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/daalu';
const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/**
 * Runs once before all suites and hands the services' URLs to the workers through the environment:
 *  1. PostgreSQL and NATS from DATABASE_URL / NATS_URL (default 127.0.0.1) when they answer;
 *  2. otherwise, where Docker runs, containers via testcontainers;
 *  3. otherwise what `npm start` would start (embedded PostgreSQL, a nats-server binary).
 */
export default async function globalSetup(): Promise<void> {
  const stops: Array<() => Promise<unknown>> = [];
  globalThis.__DAALU_TEST_STOP__ = stops;
  const log = (line: string) => process.stderr.write(`[test services] ${line}\n`);
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const natsUrl = process.env.NATS_URL || DEFAULT_NATS_URL;
  const [pgUp, natsUp] = await Promise.all([postgresAnswers(databaseUrl), natsAnswers(natsUrl)]);
  process.env.DATABASE_URL = databaseUrl;
  process.env.NATS_URL = natsUrl;
  if (pgUp && natsUp) return;

  if (dockerAvailable()) {
    if (!pgUp) {
      log('PostgreSQL does not answer; starting a container (testcontainers)');
      const pg = await startPostgresContainer();
      process.env.DATABASE_URL = pg.url;
      stops.push(() => pg.container.stop());
    }
    if (!natsUp) {
      log('NATS does not answer; starting a container (testcontainers)');
      const nats = await startNatsContainer();
      process.env.NATS_URL = nats.url;
      stops.push(() => nats.container.stop());
    }
    return;
  }

  const services = await ensureLocalServices(join(process.cwd(), '.daalu', 'test-services'), log, {
    DATABASE_URL: pgUp ? databaseUrl : undefined,
    NATS_URL: natsUp ? natsUrl : undefined,
  });
  process.env.DATABASE_URL = services.databaseUrl;
  process.env.NATS_URL = services.natsUrl;
  stops.push(() => services.stop());
}
