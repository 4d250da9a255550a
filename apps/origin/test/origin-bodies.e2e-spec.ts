import { connect } from 'node:net';
import { ORIGIN_BODY_LIMIT } from '../src/limits';
import { fakeApp, send, startOrigin, type FakeApp } from './origin-harness';

/** Through the real origin to a fake app: what size of body passes, and what happens to the rest. */
describe('the origin’s body limit', () => {
  let app: FakeApp;
  let origin: Awaited<ReturnType<typeof startOrigin>>;

  beforeAll(async () => {
    app = await fakeApp();
    origin = await startOrigin(
      { gateway: app.url },
      {
        DAALU_ORIGIN_HEADERS_TIMEOUT_MS: '2000',
        DAALU_ORIGIN_REQUEST_TIMEOUT_MS: '2000',
      },
    );
  });
  afterAll(async () => {
    await origin.close();
    await app.close();
  });

  const body = (bytes: number) => Buffer.alloc(bytes, 0x20);

  it('is the gateway’s 1 MiB', () => {
    expect(ORIGIN_BODY_LIMIT).toBe(1_048_576);
  });

  it('passes a body of exactly 1 MiB to the app, with a Content-Length or chunked', async () => {
    for (const chunked of [false, true]) {
      const answer = await send(origin.url, { path: '/api/v1/events', body: body(1_048_576), chunked });
      expect({ chunked, status: answer.status, body: JSON.parse(answer.body) }).toEqual({
        chunked,
        status: 202,
        body: { bytes: 1_048_576 },
      });
    }
  });

  it('answers 413 problem+json for one byte more, from its Content-Length, without passing it on', async () => {
    const before = app.seen.length;
    const answer = await send(origin.url, { path: '/api/v1/events', body: body(1_048_577) });
    expect(answer.status).toBe(413);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toMatchObject({ status: 413, title: 'Payload too large' });
    expect(JSON.parse(answer.body).detail).toMatch(/1 MiB \(1,048,576 bytes\)/);
    expect(app.seen.length).toBe(before);
  });

  it('decides from Content-Length before the body is sent at all', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(origin.port, '127.0.0.1', () =>
        socket.write(
          'POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
            'Content-Length: 2000000\r\n\r\n',
        ),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/connection: close/i);
  });

  it('counts a chunked body as it streams and answers 413 once it passes 1 MiB', async () => {
    const answer = await send(origin.url, { path: '/api/v1/events', body: body(1_048_577), chunked: true });
    expect(answer.status).toBe(413);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.headers.connection).toBe('close');
  });

  it('answers 413 (never 502) for a 2 MB body on every route, with a length or chunked', async () => {
    const paths = [
      '/api/v1/events',
      '/api/v1/events/batch',
      '/api/v1/tenants',
      '/api/v1/alert-rules',
      '/api/v1/webhooks',
      '/api/v1/deliveries/1/redeliver',
      '/api/v1/nowhere',
    ];
    for (const path of paths) {
      for (const chunked of [false, true]) {
        const answer = await send(origin.url, { path, body: body(2_000_000), chunked });
        expect({ path, chunked, status: answer.status }).toEqual({ path, chunked, status: 413 });
      }
    }
  });

  it('passes on a body sent after Expect: 100-continue, and a request naming its own connection headers', async () => {
    const continued = await new Promise<string>((resolve, reject) => {
      const socket = connect(origin.port, '127.0.0.1', () =>
        socket.write(
          'POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
            'Content-Length: 2\r\nExpect: 100-continue\r\nKeep-Alive: timeout=5\r\nConnection: close\r\n\r\n',
        ),
      );
      let text = '';
      let sent = false;
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (!sent && text.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
          sent = true;
          socket.write('{}');
        }
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(continued).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 202 /);
    expect(continued).toContain('{"bytes":2}');
    const upgrade = await send(origin.url, {
      path: '/api/v1/events',
      body: Buffer.from('{}'),
      headers: { upgrade: 'h2c', te: 'trailers' },
    });
    expect(upgrade.status).toBe(202);
    expect(app.seen.at(-1)!.headers).not.toHaveProperty('expect');
  });

  it('keeps serving the same client after a 413', async () => {
    const answer = await send(origin.url, { path: '/api/v1/events', body: body(10) });
    expect(answer.status).toBe(202);
  });

  it('cuts off a body that trickles in with a 408 once the request timeout passes', async () => {
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(origin.port, '127.0.0.1', () =>
        socket.write(
          'POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n',
        ),
      );
      const trickle = setInterval(() => socket.writable && socket.write('{'), 300);
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => {
        clearInterval(trickle);
        resolve(text);
      });
      socket.on('error', () => undefined);
      setTimeout(() => reject(new Error('not cut off within 10 s')), 10_000).unref();
    });
    const elapsed = Date.now() - started;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toMatch(/application\/problem\+json/);
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(4_500);
  });
});
