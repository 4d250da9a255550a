import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres';
import { findNatsServer, NatsServerProcess } from './nats-server-process';
import { natsAnswers, postgresAnswers } from './probe';

export interface LocalServices {
  databaseUrl: string;
  natsUrl: string;
  /** What was started here (empty when both were already running). */
  started: string[];
  stop(): Promise<void>;
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/daalu';
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/**
 * Uses PostgreSQL and NATS where they answer (DATABASE_URL / NATS_URL, else 127.0.0.1); otherwise starts
 * them: PostgreSQL from the embedded-postgres package, NATS from a nats-server binary on the PATH, or
 * both with `docker compose` where Docker runs. Their data goes under `stateDir`. Throws with exactly
 * what to install when none of that is possible.
 */
export async function ensureLocalServices(
  stateDir: string,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LocalServices> {
  let databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  let natsUrl = env.NATS_URL || DEFAULT_NATS_URL;
  const started: string[] = [];
  const stops: Array<() => Promise<void>> = [];

  if (!(await postgresAnswers(databaseUrl))) {
    if (env.DATABASE_URL) throw new Error(`PostgreSQL at DATABASE_URL (${redact(databaseUrl)}) does not answer`);
    log('PostgreSQL is not running on 127.0.0.1:5432; starting the embedded one (data in .daalu/postgres)');
    const pg = await startEmbeddedPostgres(join(stateDir, 'postgres'), 55432).catch((error: Error) => {
      throw new Error(
        `could not start PostgreSQL (${error.message}). Install PostgreSQL 15+ (e.g. apt-get install postgresql) ` +
          `or set DATABASE_URL to a running server.`,
      );
    });
    databaseUrl = pg.url;
    started.push('postgres');
    stops.push(pg.stop);
  }

  if (!(await natsAnswers(natsUrl))) {
    if (env.NATS_URL) throw new Error(`NATS at NATS_URL (${natsUrl}) does not answer`);
    const binary = findNatsServer();
    if (binary) {
      log(`NATS is not running on 127.0.0.1:4222; starting ${binary} with JetStream (data in .daalu/nats)`);
      const nats = new NatsServerProcess(binary, 4222, join(stateDir, 'nats'));
      await nats.start();
      natsUrl = nats.url;
      stops.push(() => nats.stop());
    } else if (dockerComposeUp(log)) {
      natsUrl = DEFAULT_NATS_URL;
    } else {
      throw new Error(
        'NATS is not running and no nats-server binary was found. Install it (apt-get install nats-server, ' +
          'or download it from the NATS project) or run `docker compose up -d nats`, or set NATS_URL.',
      );
    }
    started.push('nats');
  }

  return {
    databaseUrl,
    natsUrl,
    started,
    stop: async () => {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
    },
  };
}

function dockerComposeUp(log: (line: string) => void): boolean {
  if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0) return false;
  log('starting NATS with docker compose');
  return spawnSync('docker', ['compose', 'up', '-d', '--wait', 'nats'], { stdio: 'inherit' }).status === 0;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}
