import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
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
 * A nats-server with JetStream that this process starts and can stop and start again on the same port
 * and store directory (used by `npm start` on a laptop, and by tests that restart NATS mid-stream).
 */
export class NatsServerProcess {
  private child?: ChildProcess;

  constructor(
    readonly binary: string,
    readonly port: number,
    readonly storeDir: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    mkdirSync(this.storeDir, { recursive: true });
    this.child = spawn(this.binary, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], {
      stdio: 'ignore',
    });
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
