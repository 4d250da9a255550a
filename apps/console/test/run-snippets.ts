import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * Runs a curl command shown by the console exactly as shown, as a user pasting it into a shell with
 * the variables the page says to set (DAALU_KEY, DAALU_TOKEN: secrets are never written into the
 * command). Nothing in the command is changed: curl reads `write-out` from a curlrc in CURL_HOME, so
 * the HTTP status ends its output.
 */
export async function runCurl(command: string, env: Record<string, string>): Promise<number> {
  const home = mkdtempSync(join(tmpdir(), 'daalu-curlrc-'));
  writeFileSync(join(home, '.curlrc'), 'silent\nwrite-out = "\\n%{http_code}"\n');
  const { stdout } = await execFileAsync('sh', ['-c', command], {
    env: { ...process.env, ...env, CURL_HOME: home },
  });
  return Number(stdout.trim().split('\n').pop());
}

/** Runs a shell snippet as shown, with `env` (what the snippet says it reads), and gives its output. */
export async function runShell(script: string, env: Record<string, string>): Promise<string> {
  const { stdout } = await execFileAsync('sh', ['-c', script], { env: { ...process.env, ...env } });
  return stdout.trim();
}

/**
 * Starts a Node.js snippet as shown (from the repository's root, where its npm packages are
 * installed), with `env`; its output so far in `output()`.
 */
export function startNode(source: string, env: Record<string, string>): { child: ChildProcess; output(): string } {
  let output = '';
  const child = spawn(process.execPath, ['-e', source], {
    cwd: join(__dirname, '..', '..', '..'),
    env: { ...process.env, ...env },
  });
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  return { child, output: () => output };
}
