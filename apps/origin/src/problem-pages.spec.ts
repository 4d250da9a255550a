import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { loadConfig } from '@daalu/platform/config';
import { HTTP_STATUS_SLUGS, PROBLEM_TYPES, problemType } from '@daalu/platform/http';
import { OriginConfig } from './config';
import { buildOriginServer } from './origin-server';

const CONSOLE_INDEX = '<!doctype html><html><head><title>Daalu console</title></head><body></body></html>';
const ALL_SLUGS = [...PROBLEM_TYPES.map((type) => type.slug), ...HTTP_STATUS_SLUGS];

/** Every problem document's `type` (`/problems/<slug>`) is a page the origin serves itself. */
describe('the problem type pages', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    // With a console, whose index.html answers every other page path: the problem pages come first.
    dir = mkdtempSync(join(tmpdir(), 'console-'));
    writeFileSync(join(dir, 'index.html'), CONSOLE_INDEX);
    const config = loadConfig(OriginConfig, { DAALU_CONSOLE_DIR: dir, DAALU_READY_REQUIRES_UPSTREAMS: 'false' });
    app = (await buildOriginServer(config, pino({ enabled: false }))).app;
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers GET /problems/<slug> with an HTML page for every slug of the catalog', async () => {
    expect(ALL_SLUGS.length).toBeGreaterThan(30);
    for (const slug of ALL_SLUGS) {
      const answer = await app.inject({ method: 'GET', url: `/problems/${slug}` });
      const type = problemType(slug)!;
      expect({ slug, status: answer.statusCode, type: answer.headers['content-type'] }).toEqual({
        slug,
        status: 200,
        type: 'text/html; charset=utf-8',
      });
      expect(answer.body).toContain(`<code>/problems/${slug}</code>`);
      expect(answer.body).toContain('What it means');
      expect(answer.body).toContain('What to do');
      expect(answer.body).toContain(String(type.statuses[0]));
      expect(answer.body).not.toContain('Daalu console');
    }
  });

  it('says what the kind means and what to do, under the console’s Content-Security-Policy', async () => {
    const answer = await app.inject({ method: 'GET', url: '/problems/rate-limited' });
    expect(answer.body).toContain('<title>Too many requests · Daalu webhooks</title>');
    expect(answer.body).toContain('429 Too Many Requests');
    expect(answer.body).toContain('<code>Retry-After</code>');
    expect(answer.headers['content-security-policy']).toContain("script-src 'self'");
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.body).not.toMatch(/<script/i);
    const head = await app.inject({ method: 'HEAD', url: '/problems/rate-limited' });
    expect(head.statusCode).toBe(200);
  });

  it('lists every kind at /problems/ (and /problems), each linked to its page', async () => {
    for (const url of ['/problems/', '/problems']) {
      const answer = await app.inject({ method: 'GET', url });
      expect(answer.statusCode).toBe(200);
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      for (const slug of ALL_SLUGS) expect(answer.body).toContain(`href="/problems/${slug}"`);
    }
  });

  it('answers an unknown slug with a 404 problem, whose own type is a page', async () => {
    for (const url of ['/problems/no-such-problem', '/problems/http-200', '/problems/invalid-body/more']) {
      const answer = await app.inject({ method: 'GET', url });
      expect({ url, status: answer.statusCode }).toEqual({ url, status: 404 });
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.json()).toMatchObject({ type: '/problems/not-found', status: 404 });
      expect(answer.body).not.toContain('Daalu console');
    }
    const escaped = await app.inject({ method: 'GET', url: '/problems/%3Cscript%3E' });
    expect(escaped.statusCode).toBe(404);
    const type = (await app.inject({ method: 'GET', url: '/problems/no-such-problem' })).json().type as string;
    expect((await app.inject({ method: 'GET', url: type })).statusCode).toBe(200);
  });

  it('is where the origin’s own problems point, resolved against the URL asked', async () => {
    const answer = await app.inject({ method: 'POST', url: '/api/v1/nowhere', payload: {} });
    expect(answer.statusCode).toBe(404);
    const page = new URL(answer.json().type as string, 'http://localhost:8080/api/v1/nowhere');
    expect(page.href).toBe('http://localhost:8080/problems/not-found');
    expect((await app.inject({ method: 'GET', url: page.pathname })).statusCode).toBe(200);
  });
});
