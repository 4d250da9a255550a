import { join } from 'node:path';
// jest loads global setup with plain require (no path aliases), hence the relative import.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureLocalServices, type LocalServices } from '../../dev/local-services/src';

declare global {
  var __DAALU_TEST_SERVICES__: LocalServices | undefined;
}

/**
 * Runs once before all suites: makes sure PostgreSQL and NATS answer (starting them where they do not),
 * and hands their URLs to the test workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const services = await ensureLocalServices(join(process.cwd(), '.daalu', 'test-services'), (line) =>
    process.stderr.write(`[test services] ${line}\n`),
  );
  process.env.DATABASE_URL = services.databaseUrl;
  process.env.NATS_URL = services.natsUrl;
  globalThis.__DAALU_TEST_SERVICES__ = services;
}
