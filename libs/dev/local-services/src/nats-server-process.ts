import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { natsAnswers, waitFor } from './probe';

/** Finds a nats-server binary on the PATH (or in /usr/sbin, where Debian puts it). */
export function findNatsServer(): string | null {
  for (const candidate of ['nats-server', '/usr/sbin/nats-server', '/usr/local/bin/nats-server']) {
    const result = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (result.status === 0) return candidate;
  }
  return null;
}

/**
 * The largest message (payload and headers) the NATS servers Daalu starts take: an event of 1 MiB
 * becomes a fact a little larger, and a dead letter wraps a message with its reason. NATS's default,
 * 1 MiB, is too small for the first; docker compose and the Helm values set the same.
 */
export const NATS_MAX_PAYLOAD = 4 * 1024 * 1024;

/**
 * A nats-server with JetStream that this process starts and can stop and start again on the same port
 * and store directory (used by `npm start` on a laptop, and by tests that restart NATS mid-stream).
 */
export class NatsServerProcess {
  private child?: ChildProcess;

  constructor(
    readonly binary: string,
    readonly port: number,
    readonly storeDir: string,
    /** The server's max_payload (bytes); NATS's own default is 1 MiB. */
    readonly maxPayload = NATS_MAX_PAYLOAD,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    mkdirSync(this.storeDir, { recursive: true });
    // max_payload has no command-line flag: it goes in a config file; the flags after it take precedence.
    const configFile = join(this.storeDir, 'daalu-nats.conf');
    writeFileSync(configFile, `max_payload: ${this.maxPayload}\n`);
    const args = ['-c', configFile, '-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir];
    this.child = spawn(this.binary, args, { stdio: 'ignore' });
    await waitFor(`nats-server on port ${this.port}`, () => natsAnswers(this.url, 500), 15_000);
  }

  /** Stops the server; `kill` sends SIGKILL (a crash) instead of a clean shutdown. */
  async stop(kill = false): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(kill ? 'SIGKILL' : 'SIGTERM');
    await exited;
    this.child = undefined;
  }
}
