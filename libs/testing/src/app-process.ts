import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { eventually } from './wait';

const root = resolve(__dirname, '..', '..', '..');

/** The compiled entry point of an app or tool (npm test builds first). */
export function builtScript(relative: string): string {
  const path = join(root, 'dist', relative);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` (npm test does it for you)`);
  return path;
}

export interface AppProcess {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs a built app as its own process, the way operators do, collecting its output lines. */
export function startProcess(relative: string, args: string[], env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, [builtScript(relative), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const wake of waiters) wake();
    });
  }
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    child,
    lines,
    exited,
    waitForLine: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find((line) => pattern.test(line));
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${lines.slice(-20).join('\n')}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
        void exited.then(() => setTimeout(check, 50));
      }),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Starts a built app and waits until its /health/ready answers 200 (projections caught up). */
export async function startReadyProcess(
  relative: string,
  env: Record<string, string>,
  baseUrl: string,
  timeoutMs = 30_000,
): Promise<AppProcess> {
  const app = startProcess(relative, [], env);
  await eventually(
    () =>
      fetch(`${baseUrl}/health/ready`).then(
        (r) => r.status,
        () => 0,
      ),
    (status) => status === 200,
    { what: `${relative} ready`, timeoutMs },
  );
  return app;
}
