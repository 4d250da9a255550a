import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { loadConfig } from '@daalu/platform/config';
import { OriginConfig } from './config';
import { chooseEncoding } from './console-files';
import { buildOriginServer } from './origin-server';

const SCRIPT = Array.from({ length: 2000 }, (_, i) => `export const value${i} = "console line ${i}";`).join('\n');
const STYLE = Array.from({ length: 300 }, (_, i) => `.row-${i} { padding: ${i % 8}px; }`).join('\n');
const INDEX =
  '<!doctype html><html lang="en"><head><meta charset="UTF-8" /><title>Daalu</title>' +
  '<meta name="viewport" content="width=device-width, initial-scale=1.0" />' +
  '<script type="module" src="/assets/index-AbCd12_-.js"></script>' +
  '<link rel="stylesheet" href="/assets/index-Xy34Zw56.css"></head><body><div id="root"></div></body></html>';

async function origin(dir: string): Promise<FastifyInstance> {
  const config = loadConfig(OriginConfig, { DAALU_CONSOLE_DIR: dir, DAALU_READY_REQUIRES_UPSTREAMS: 'false' });
  return (await buildOriginServer(config, pino({ enabled: false }))).app;
}

/** The built console as the origin serves it: compressed, cached as long as it safely can be, no source maps. */
describe('the console’s files', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'index-AbCd12_-.js'), SCRIPT);
    writeFileSync(join(dir, 'assets', 'index-AbCd12_-.js.map'), JSON.stringify({ version: 3, sources: ['secret.ts'] }));
    writeFileSync(join(dir, 'assets', 'index-Xy34Zw56.css'), STYLE);
    writeFileSync(join(dir, 'assets', 'tiny-Qq11Ww22.js'), 'export {};');
    app = await origin(dir);
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  it('serves a hashed script brotli-compressed for a year, immutable', async () => {
    const answer = await get('/assets/index-AbCd12_-.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-encoding']).toBe('br');
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(answer.headers.vary).toBe('Accept-Encoding');
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(answer.rawPayload.length).toBeLessThan(SCRIPT.length / 5);
    expect(Number(answer.headers['content-length'])).toBe(answer.rawPayload.length);
    expect(brotliDecompressSync(answer.rawPayload).toString()).toBe(SCRIPT);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves gzip to a client without brotli, and the file as it is to one that takes neither', async () => {
    const gzipped = await get('/assets/index-Xy34Zw56.css', { 'accept-encoding': 'gzip' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(gunzipSync(gzipped.rawPayload).toString()).toBe(STYLE);
    expect(gzipped.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const plain = await get('/assets/index-Xy34Zw56.css');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.body).toBe(STYLE);
    const refused = await get('/assets/index-AbCd12_-.js', { 'accept-encoding': 'br;q=0, gzip;q=0.5' });
    expect(refused.headers['content-encoding']).toBe('gzip');
  });

  it('serves a file too small to gain from compression as it is', async () => {
    const answer = await get('/assets/tiny-Qq11Ww22.js', { 'accept-encoding': 'br, gzip' });
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.body).toBe('export {};');
    expect(answer.headers.vary).toBeUndefined();
  });

  it('never serves a source map, though the build left one there', async () => {
    for (const url of ['/assets/index-AbCd12_-.js.map', '/assets/index-AbCd12_-.js.MAP', '/index.js.map']) {
      const answer = await get(url);
      expect({ url, status: answer.statusCode }).toEqual({ url, status: 404 });
      expect(answer.body).not.toContain('secret.ts');
    }
    expect((await get('/assets/index-AbCd12_-.js%2emap')).statusCode).toBe(404);
  });

  it('revalidates index.html on every load, answering 304 while it has not changed', async () => {
    const page = await get('/', { 'accept-encoding': 'gzip' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(gunzipSync(page.rawPayload).toString()).toBe(INDEX);
    const again = await get('/', { 'accept-encoding': 'gzip', 'if-none-match': String(page.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    // Every page path is the single-page app.
    const deep = await get('/webhooks/new');
    expect([deep.statusCode, deep.headers['cache-control'], deep.body]).toEqual([200, 'no-cache', INDEX]);
  });

  it('answers 404 for an asset that is not there (not index.html)', async () => {
    const answer = await get('/assets/index-Gone0000.js');
    expect(answer.statusCode).toBe(404);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers HEAD with the headers a GET has (Node leaves the body out)', async () => {
    const answer = await app.inject({
      method: 'HEAD',
      url: '/assets/index-AbCd12_-.js',
      headers: { 'accept-encoding': 'br' },
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-encoding']).toBe('br');
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });
});

describe('Accept-Encoding', () => {
  const both = { encodings: { identity: { body: Buffer.alloc(0), etag: '' }, br: {}, gzip: {} } } as never;
  it('prefers brotli, then gzip, and honours q=0 and *', () => {
    expect(chooseEncoding(undefined, both)).toBe('identity');
    expect(chooseEncoding('gzip, br', both)).toBe('br');
    expect(chooseEncoding('br;q=0, gzip', both)).toBe('gzip');
    expect(chooseEncoding('BR; Q=0, GZIP;q=0', both)).toBe('identity');
    expect(chooseEncoding('*', both)).toBe('br');
    expect(chooseEncoding('*;q=0', both)).toBe('identity');
    expect(chooseEncoding('identity', both)).toBe('identity');
  });
});

// The real build, when there is one (npm run build): the console's entry script leaves compressed.
const DIST = join(__dirname, '..', '..', '..', 'dist', 'apps', 'console');
(existsSync(join(DIST, 'index.html')) ? describe : describe.skip)('the built console', () => {
  it('serves its entry script at under 40% of its size, every asset for a year, and no source map', async () => {
    const app = await origin(DIST);
    try {
      const entry = /src="(\/assets\/index-[^"]+\.js)"/.exec(readFileSync(join(DIST, 'index.html'), 'utf8'))![1];
      const size = readFileSync(join(DIST, entry)).length;
      for (const encoding of ['br', 'gzip']) {
        const answer = await app.inject({ method: 'GET', url: entry, headers: { 'accept-encoding': encoding } });
        expect(answer.headers['content-encoding']).toBe(encoding);
        expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(answer.rawPayload.length).toBeLessThan(0.4 * size);
      }
      // Every file Vite wrote to assets/ is named by its hash: cached for a year; maps, if any, refused.
      for (const name of readdirSync(join(DIST, 'assets'))) {
        const answer = await app.inject({ url: `/assets/${name}` });
        expect({ name, status: answer.statusCode, cache: answer.headers['cache-control'] }).toEqual(
          name.endsWith('.map')
            ? { name, status: 404, cache: undefined }
            : { name, status: 200, cache: 'public, max-age=31536000, immutable' },
        );
      }
    } finally {
      await app.close();
    }
  });
});
