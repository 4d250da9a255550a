import Fastify, { type FastifyInstance } from 'fastify';
import replyFrom from '@fastify/reply-from';
import type { Logger } from 'pino';
import type { OriginConfig } from './config';
import { consoleFiles } from './console-files';
import { routeFor, type Upstream } from './routes';

/** The origin's server, and the switch that turns its readiness off when it starts shutting down. */
export interface OriginServer {
  app: FastifyInstance;
  markShuttingDown(): void;
}

/**
 * One origin for the whole local stack (http://localhost:8080): forwards each request to the app that
 * owns its path, serves the web console at `/`, and answers /health/ready only when every app is ready
 * (or, with DAALU_READY_REQUIRES_UPSTREAMS=false as on Kubernetes, where Services route around an
 * unready pod, when it can serve itself: one unready app must not take the console down).
 */
export async function buildOriginServer(config: OriginConfig, logger: Logger): Promise<OriginServer> {
  let shuttingDown = false;
  const upstreams: Record<Upstream, string> = {
    gateway: config.DAALU_GATEWAY_URL,
    timeline: config.DAALU_TIMELINE_URL,
    rules: config.DAALU_RULES_URL,
    outbound: config.DAALU_OUTBOUND_URL,
  };
  const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024, return503OnClosing: true });
  await app.register(replyFrom, { undici: { connections: 128, pipelining: 1 } });
  // Bodies pass through untouched (byte for byte), whatever their content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  const sendConsole = await consoleFiles(app, config.DAALU_CONSOLE_DIR, logger);

  app.get('/health/live', async () => ({ status: 'live' }));

  app.get('/health/ready', async (_request, reply) => {
    const checks: Record<string, { ok: boolean; detail?: unknown }> =
      config.DAALU_READY_REQUIRES_UPSTREAMS === 'true'
        ? Object.fromEntries(
            await Promise.all(
              Object.entries(upstreams).map(
                async ([name, url]) => [name, await readiness(`${url}/health/ready`)] as const,
              ),
            ),
          )
        : {};
    if (shuttingDown) checks.shutdown = { ok: false, detail: 'shutting down' };
    const ready = Object.values(checks).every((check) => check.ok);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.all('/*', (request, reply) => {
    const upstream = routeFor(request.method, request.url);
    const path = request.url.split('?')[0];
    if (
      !upstream &&
      sendConsole &&
      (request.method === 'GET' || request.method === 'HEAD') &&
      !path.startsWith('/api/')
    ) {
      return sendConsole(path, reply);
    }
    if (!upstream) {
      return reply
        .status(404)
        .type('application/problem+json')
        .send({
          type: 'about:blank',
          title: 'Not Found',
          status: 404,
          detail: `no route for ${request.method} ${request.url.split('?')[0]}`,
        });
    }
    return reply.from(`${upstreams[upstream]}${request.url}`, {
      onError: (innerReply, { error }) => {
        logger.warn({ err: error, upstream }, 'upstream did not answer');
        void innerReply
          .status(502)
          .type('application/problem+json')
          .send({ type: 'about:blank', title: 'Bad Gateway', status: 502, detail: `${upstream} is not answering` });
      },
    });
  });
  return {
    app,
    markShuttingDown: () => {
      shuttingDown = true;
    },
  };
}

async function readiness(url: string): Promise<{ ok: boolean; detail?: unknown }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2500) });
    return { ok: response.ok, detail: response.ok ? undefined : await response.json().catch(() => response.status) };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}
