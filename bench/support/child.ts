import { spawn, type ChildProcess } from 'node:child_process';
import { log, sleep, withTimeout } from './util';

/** A child process whose recent output is kept, to show when it fails. */
export class Child {
  readonly process: ChildProcess;
  private readonly tail: string[] = [];
  private exited = false;
  private readonly lineListeners: Array<(line: string) => void> = [];
  readonly exit: Promise<number | null>;

  constructor(
    readonly name: string,
    script: string,
    env: Record<string, string>,
    args: string[] = [],
  ) {
    // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the servers under test.
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    this.process = spawn(process.execPath, [...nodeArgs, script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exit = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        this.exited = true;
        this.remember(`[exited with ${signal ?? code}]`);
        resolve(code);
      });
      this.process.once('error', (error) => {
        this.exited = true;
        this.remember(`[failed to start: ${error.message}]`);
        resolve(null);
      });
    });
    for (const stream of [this.process.stdout!, this.process.stderr!]) {
      stream.setEncoding('utf8');
      let partial = '';
      stream.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.remember(line);
      });
    }
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Calls `listener` with every later line of output. */
  onLine(listener: (line: string) => void): void {
    this.lineListeners.push(listener);
  }

  private remember(line: string): void {
    for (const listener of this.lineListeners) listener(line);
    this.tail.push(line.length > 2000 ? `${line.slice(0, 2000)}...` : line);
    if (this.tail.length > 40) this.tail.shift();
  }

  output(): string {
    return this.tail.map((line) => `  ${this.name}| ${line}`).join('\n');
  }

  /** Resolves with the first stdout line matching `pattern`; rejects if the process exits first. */
  waitForLine(pattern: RegExp, ms: number): Promise<RegExpMatchArray> {
    const found = new Promise<RegExpMatchArray>((resolve, reject) => {
      let partial = '';
      const onData = (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          const match = line.match(pattern);
          if (match) {
            this.process.stdout!.off('data', onData);
            resolve(match);
            return;
          }
        }
      };
      this.process.stdout!.on('data', onData);
      void this.exit.then(() => reject(new Error(`${this.name} exited before it was ready\n${this.output()}`)));
    });
    return withTimeout(found, ms, `${this.name} start-up`);
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (!this.alive) return;
    this.process.kill('SIGTERM');
    const exited = await Promise.race([this.exit.then(() => true), sleep(graceMs).then(() => false)]);
    if (!exited) {
      log(`${this.name} did not exit within ${graceMs} ms of SIGTERM; killing it`);
      this.process.kill('SIGKILL');
      await Promise.race([this.exit, sleep(5000)]);
    }
  }
}
