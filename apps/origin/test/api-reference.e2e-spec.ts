import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DOCS_PATH, OPENAPI_PATH } from '../src/api-reference';
import { fakeApp, startOrigin, type FakeApp } from './origin-harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('the origin serves the API reference', () => {
  let app: FakeApp;
  let origin: Awaited<ReturnType<typeof startOrigin>>;

  beforeAll(async () => {
    app = await fakeApp();
    origin = await startOrigin({ gateway: app.url });
  });

  afterAll(async () => {
    await origin?.close();
    await app?.close();
  });

  it('answers GET /api/openapi.json with docs/openapi.json itself, never asking an app', async () => {
    const response = await fetch(`${origin.url}${OPENAPI_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const committed = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'openapi.json'), 'utf8'));
    expect(await response.json()).toEqual(committed);
    expect(app.seen).toEqual([]);
  });

  it('compresses the document as the client allows, and revalidates it with its ETag', async () => {
    const gz = await fetch(`${origin.url}${OPENAPI_PATH}`, { headers: { 'accept-encoding': 'gzip' } });
    const etag = gz.headers.get('etag')!;
    // (fetch decodes it by itself.)
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('vary')).toBe('Accept-Encoding');
    expect(((await gz.json()) as { openapi: string }).openapi).toBe('3.1.0');
    const again = await fetch(`${origin.url}${OPENAPI_PATH}`, {
      headers: { 'accept-encoding': 'gzip', 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    const plain = await fetch(`${origin.url}${OPENAPI_PATH}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('etag')).not.toBe(etag);
    expect(((await plain.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('serves Swagger UI at /api/docs from its local files (no CDN), under a CSP with no inline script', async () => {
    const response = await fetch(`${origin.url}${DOCS_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const html = await response.text();
    expect(html).not.toMatch(/<script>|<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/https?:\/\//);
    const linked = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(linked.length).toBeGreaterThanOrEqual(3);
    for (const path of linked) {
      const asset = await fetch(`${origin.url}${path}`);
      expect({ path, status: asset.status }).toEqual({ path, status: 200 });
      await asset.arrayBuffer();
    }
  });

  it('serves nothing else of the package (no source maps), and passes no /api/docs path on', async () => {
    for (const path of [
      `${DOCS_PATH}/swagger-ui-bundle.js.map`,
      `${DOCS_PATH}/index.html`,
      `${DOCS_PATH}/package.json`,
    ]) {
      const response = await fetch(`${origin.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      await response.arrayBuffer();
    }
    expect(app.seen).toEqual([]);
  });

  const browserIt = existsSync(CHROMIUM) ? it : it.skip;
  browserIt('renders every operation in a browser, with no CSP violation', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${origin.url}${DOCS_PATH}`);
      await page.waitForSelector('.opblock', { timeout: 20_000 });
      const operations = await page.locator('.opblock').count();
      const documented = Object.values(
        JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'openapi.json'), 'utf8')).paths as Record<
          string,
          object
        >,
      ).reduce((sum, item) => sum + Object.keys(item).length, 0);
      expect(operations).toBe(documented);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
