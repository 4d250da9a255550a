import { request as httpRequest, type ClientRequest } from 'node:http';
import { fakeApp, send, startOrigin, type FakeApp } from './origin-harness';

/** Who counts as one client for the caps, and what is never refused. */
describe('the origin’s per-client caps', () => {
  let app: FakeApp;
  const open: ClientRequest[] = [];
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    app = await fakeApp();
  });
  afterEach(async () => {
    for (const req of open.splice(0)) req.destroy();
    while (closers.length > 0) await closers.pop()!();
  });
  afterAll(() => app.close());

  async function origin(settings: Record<string, string>) {
    const started = await startOrigin({ gateway: app.url }, settings);
    closers.push(() => started.close());
    return started;
  }

  /** Opens the event stream (left open), resolving with its status. */
  function stream(url: string, headers: Record<string, string> = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${url}/api/v1/events/stream`, { headers, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end();
      open.push(req);
    });
  }

  it('counts each connection’s own address, whatever X-Forwarded-For claims', async () => {
    const { url } = await origin({ DAALU_ORIGIN_MAX_STREAMS_PER_CLIENT: '2' });
    expect(await stream(url, { 'x-forwarded-for': '203.0.113.1' })).toBe(200);
    expect(await stream(url, { 'x-forwarded-for': '203.0.113.2' })).toBe(200);
    expect(await stream(url, { 'x-forwarded-for': '203.0.113.3' })).toBe(503);
  });

  it('behind a trusted proxy, counts the client the proxy names', async () => {
    const { url } = await origin({ DAALU_ORIGIN_MAX_STREAMS_PER_CLIENT: '2', DAALU_ORIGIN_TRUST_PROXY: '127.0.0.1' });
    expect(await stream(url, { 'x-forwarded-for': '203.0.113.1' })).toBe(200);
    expect(await stream(url, { 'x-forwarded-for': '203.0.113.1' })).toBe(200);
    expect(await stream(url, { 'x-forwarded-for': '203.0.113.1' })).toBe(503);
    expect(await stream(url, { 'x-forwarded-for': '203.0.113.2' })).toBe(200);
  });

  it('caps the streams of all clients together, and gives them back when they close', async () => {
    const { url, origin: server } = await origin({
      DAALU_ORIGIN_MAX_STREAMS: '2',
      DAALU_ORIGIN_MAX_STREAMS_PER_CLIENT: '2',
    });
    expect(await stream(url)).toBe(200);
    expect(await stream(url)).toBe(200);
    const refused = await send(url, { method: 'GET', path: '/api/v1/events/stream', localAddress: '127.0.0.2' });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(JSON.parse(refused.body).detail).toBe('the origin already has 2 open event streams; retry shortly');
    // Streams have their own budget: requests still go through.
    expect((await send(url, { method: 'GET', path: '/api/v1/events' })).status).toBe(202);
    open.shift()!.destroy();
    const deadline = Date.now() + 2_000;
    while (server.admission.inFlight('stream') > 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(await stream(url)).toBe(200);
  });

  it('never refuses its health checks, however busy the client is', async () => {
    const { url } = await origin({
      DAALU_ORIGIN_MAX_REQUESTS_PER_CLIENT: '1',
      DAALU_READY_REQUIRES_UPSTREAMS: 'false',
    });
    // One request in flight (its body never finishes) uses up the client's cap.
    const slow = httpRequest(`${url}/api/v1/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '100' },
      agent: false,
    });
    slow.on('error', () => undefined);
    slow.write('{');
    open.push(slow);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refused = await send(url, { method: 'GET', path: '/api/v1/alerts' });
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body).detail).toMatch(/already has 1 request in flight/);
    expect((await send(url, { method: 'GET', path: '/health/live' })).status).toBe(200);
    expect((await send(url, { method: 'GET', path: '/health/ready' })).status).toBe(200);
  });
});
