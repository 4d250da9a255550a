import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { freePort, startProcess, type AppProcess } from '@daalu/testing';
import { fakeApp, send, type FakeApp } from './origin-harness';

/** The built origin (dist/apps/origin/src/main.js) as operators run it: its settings from the environment. */
describe('the origin process', () => {
  let app: FakeApp;
  let origin: AppProcess | undefined;
  let consoleDir: string;

  beforeAll(async () => {
    app = await fakeApp();
    consoleDir = mkdtempSync(join(tmpdir(), 'origin-console-'));
    mkdirSync(join(consoleDir, 'assets'));
    writeFileSync(join(consoleDir, 'index.html'), `<!doctype html><title>Daalu</title>${' '.repeat(300)}`);
    writeFileSync(join(consoleDir, 'assets', 'index-AbCd1234.js'), 'console.log("daalu");\n'.repeat(500));
    writeFileSync(join(consoleDir, 'assets', 'index-AbCd1234.js.map'), '{"version":3}');
  });

  afterAll(async () => {
    await origin?.stop('SIGKILL');
    await app.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  it('refuses to start with settings that cannot work, naming them', async () => {
    const refused = startProcess('apps/origin/src/main.js', [], {
      DAALU_PORT: String(await freePort()),
      DAALU_ORIGIN_MAX_STREAMS_PER_CLIENT: '0',
      DAALU_ORIGIN_HEADERS_TIMEOUT_MS: '20000',
    });
    expect(await refused.exited).toBe(1);
    const output = refused.lines.join('\n');
    expect(output).toMatch(/DAALU_ORIGIN_MAX_STREAMS_PER_CLIENT \("0"\)/);
    expect(output).toMatch(
      /DAALU_ORIGIN_HEADERS_TIMEOUT_MS \("20000"\): must not exceed DAALU_ORIGIN_REQUEST_TIMEOUT_MS/,
    );
  });

  it('enforces its limits and serves the console compressed', async () => {
    const port = await freePort();
    origin = startProcess('apps/origin/src/main.js', [], {
      DAALU_PORT: String(port),
      HOST: '127.0.0.1',
      DAALU_GATEWAY_URL: app.url,
      DAALU_TIMELINE_URL: app.url,
      DAALU_RULES_URL: `http://127.0.0.1:${await freePort()}`,
      DAALU_OUTBOUND_URL: app.url,
      DAALU_CONSOLE_DIR: consoleDir,
      DAALU_ORIGIN_MAX_STREAMS_PER_CLIENT: '1',
    });
    await origin.waitForLine(/origin listening/);
    const url = `http://127.0.0.1:${port}`;

    expect((await send(url, { path: '/api/v1/events', body: Buffer.alloc(1_048_576, 0x20) })).status).toBe(202);
    expect((await send(url, { path: '/api/v1/events', body: Buffer.alloc(1_048_577, 0x20) })).status).toBe(413);
    const down = await send(url, { method: 'GET', path: '/api/v1/alerts' });
    expect([down.status, down.headers['retry-after']]).toEqual([503, '1']);

    const script = await send(url, {
      method: 'GET',
      path: '/assets/index-AbCd1234.js',
      headers: { 'accept-encoding': 'br' },
    });
    expect(script.headers['content-encoding']).toBe('br');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(script.raw).toString()).toContain('console.log("daalu")');
    expect((await fetch(`${url}/assets/index-AbCd1234.js.map`)).status).toBe(404);
    const page = await fetch(`${url}/timeline`);
    expect([page.status, page.headers.get('cache-control')]).toEqual([200, 'no-cache']);

    expect(await origin.stop('SIGTERM')).toBe(0);
  });
});
