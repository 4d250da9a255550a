import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { loadConfig } from '@daalu/platform/config';
import { OriginConfig } from './config';
import { buildOriginServer } from './origin-server';

/** An app's /health/ready answering `status`, on a real port. */
async function upstream(status: number): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('the origin’s readiness', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((server) => server.close()));

  async function origin(readyRequiresUpstreams: 'true' | 'false') {
    const [ready, unready] = [await upstream(200), await upstream(503)];
    servers.push(ready.server, unready.server);
    const config = loadConfig(OriginConfig, {
      DAALU_GATEWAY_URL: ready.url,
      DAALU_TIMELINE_URL: ready.url,
      DAALU_RULES_URL: unready.url,
      DAALU_OUTBOUND_URL: ready.url,
      DAALU_CONSOLE_DIR: '/nonexistent',
      DAALU_READY_REQUIRES_UPSTREAMS: readyRequiresUpstreams,
    });
    return buildOriginServer(config, pino({ enabled: false }));
  }

  it('on one machine waits for every app, and names the one that is not ready', async () => {
    const { app } = await origin('true');
    const answer = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(answer.statusCode).toBe(503);
    expect(answer.json().checks).toMatchObject({ rules: { ok: false }, gateway: { ok: true } });
    await app.close();
  });

  it('on Kubernetes answers for itself, and turns unready once it starts shutting down', async () => {
    const { app, markShuttingDown } = await origin('false');
    const before = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(before.statusCode).toBe(200);
    markShuttingDown();
    const after = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(after.statusCode).toBe(503);
    expect(after.json().checks).toEqual({ shutdown: { ok: false, detail: 'shutting down' } });
    await app.close();
  });
});
