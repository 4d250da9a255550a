import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@daalu/testing';
import { fakeApp, send, startOrigin, type Answer } from './origin-harness';

/** An app that is down, restarting, slow or overloaded is an outage to wait out: 503 + Retry-After. */
describe('the origin when an app is not answering', () => {
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    while (closers.length > 0) await closers.pop()!();
  });

  async function origin(appUrl: string, settings: Record<string, string> = {}) {
    const started = await startOrigin({ gateway: appUrl }, settings);
    closers.push(() => started.close());
    return started;
  }

  function expectRetryLater(answer: Answer, slug: string) {
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 503, type: expect.stringMatching(new RegExp(`${slug}$`)) });
  }

  it('answers 503 + Retry-After (never 502) while the app is down, and passes on again once it is back', async () => {
    const port = await freePort();
    const { url } = await origin(`http://127.0.0.1:${port}`);
    // Down: connection refused, for an ingest POST, a read and an event stream alike.
    expectRetryLater(await send(url, { path: '/api/v1/events', body: Buffer.from('{}') }), 'upstream-unavailable');
    expectRetryLater(await send(url, { method: 'GET', path: '/api/v1/events' }), 'upstream-unavailable');
    expectRetryLater(await send(url, { method: 'GET', path: '/api/v1/events/stream' }), 'upstream-unavailable');
    expect(JSON.parse((await send(url, { method: 'GET', path: '/api/v1/alerts' })).body).detail).toBe(
      'the rule evaluator is not answering (it may be restarting)',
    );
    // Back on the same port (a restart): answered again.
    const app = await fakeApp(undefined, port);
    closers.push(() => app.close());
    expect((await send(url, { path: '/api/v1/events', body: Buffer.from('{}') })).status).toBe(202);
  });

  it('answers 503 + Retry-After when the app resets the connection', async () => {
    const resetting = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => resetting.close(resolve)));
    const { url } = await origin(`http://127.0.0.1:${(resetting.address() as AddressInfo).port}`);
    expectRetryLater(await send(url, { path: '/api/v1/events', body: Buffer.from('{}') }), 'upstream-unavailable');
    expectRetryLater(await send(url, { method: 'GET', path: '/api/v1/events' }), 'upstream-unavailable');
  });

  it('passes on the app’s own 503 with a Retry-After: its own, or 1 s when it gave none', async () => {
    const own: { retryAfter?: string } = {};
    const app = await fakeApp((_req, res) => {
      const body = JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503 });
      res.writeHead(503, {
        'content-type': 'application/problem+json',
        ...(own.retryAfter ? { 'retry-after': own.retryAfter } : {}),
      });
      res.end(body);
    });
    closers.push(() => app.close());
    const { url } = await origin(app.url);
    const bare = await send(url, { method: 'GET', path: '/api/v1/alerts' });
    expect(bare.status).toBe(503);
    expect(bare.headers['retry-after']).toBe('1');
    // Not retried by the origin behind the client's back: the app saw the one request.
    expect(app.seen.filter((seen) => seen.url === '/api/v1/alerts')).toHaveLength(1);
    own.retryAfter = '7';
    const given = await send(url, { path: '/api/v1/events', body: Buffer.from('{}') });
    expect(given.status).toBe(503);
    expect(given.headers['retry-after']).toBe('7');
  });

  it('answers 503 + Retry-After when the app does not answer in time', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise((resolve) => {
          silent.closeAllConnections();
          silent.close(resolve);
        }),
    );
    const { url } = await origin(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`, {
      DAALU_ORIGIN_UPSTREAM_TIMEOUT_MS: '1000',
    });
    const started = Date.now();
    const answer = await send(url, { path: '/api/v1/events', body: Buffer.from('{}') });
    expectRetryLater(answer, 'upstream-timeout');
    expect(JSON.parse(answer.body).detail).toBe('the ingest gateway did not answer within 1 s');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('passes on an answer the app gives before reading the body (a 401 for a bad key)', async () => {
    const early = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/problem+json' }).end('{"status":401}');
    });
    await new Promise<void>((resolve) => early.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise((resolve) => {
          early.closeAllConnections();
          early.close(resolve);
        }),
    );
    const { url } = await origin(`http://127.0.0.1:${(early.address() as AddressInfo).port}`);
    for (const chunked of [false, true]) {
      const answer = await send(url, { path: '/api/v1/events', body: Buffer.alloc(900_000, 0x20), chunked });
      expect({ chunked, status: answer.status }).toEqual({ chunked, status: 401 });
    }
  });

  it('ends open event streams when it closes, instead of waiting for them forever', async () => {
    const app = await fakeApp();
    closers.push(() => app.close());
    const origin = await startOrigin({ gateway: app.url });
    const stream = await new Promise<{ status: number; ended: Promise<void> }>((resolve, reject) => {
      get(`${origin.url}/api/v1/events/stream`, (res) => {
        res.resume();
        resolve({ status: res.statusCode!, ended: new Promise((done) => res.on('close', () => done())) });
      }).on('error', reject);
    });
    expect(stream.status).toBe(200);
    const closing = Date.now();
    // As main.ts does on SIGTERM.
    await origin.close();
    await stream.ended;
    expect(Date.now() - closing).toBeLessThan(3_000);
  });
});
