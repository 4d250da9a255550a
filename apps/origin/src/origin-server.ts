import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import replyFrom from '@fastify/reply-from';
import type { Logger } from 'pino';
import { problem, PROBLEM_CONTENT_TYPE } from '@daalu/platform/http';
import { Admission, clientKey } from './admission';
import { registerApiReference } from './api-reference';
import { BodyTooLarge, bufferedBody, countedBody, declaredTooLarge } from './body-limit';
import type { OriginConfig } from './config';
import { consoleFiles } from './console-files';
import { isStreamRequest, ORIGIN_BODY_LIMIT, RETRY_AFTER_SECONDS } from './limits';
import { registerProblemPages } from './problem-pages';
import { notFound, refused, shuttingDown, tooLarge, upstreamFailed } from './problems';
import { routeFor, type Upstream } from './routes';
import { UpstreamAgents } from './upstream-agents';
import { withoutHopByHop } from './hop-by-hop';
import { installIngestPassThrough } from './ingest-pass-through';

/** The origin's server, and the switch that turns its readiness off when it starts shutting down. */
export interface OriginServer {
  app: FastifyInstance;
  markShuttingDown(): void;
  /** What is in flight now, by kind (and client address): for tests and diagnostics. */
  admission: Admission;
}

/** How often the server looks for requests past their headers or request timeout. */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;
/** Paths never refused for load: a busy origin is not a dead one (liveness must not restart it). */
const HEALTH_PATHS = new Set(['/health/live', '/health/ready']);

/**
 * One origin for the whole local stack (http://localhost:8080): forwards each request to the app that
 * owns its path, serves the web console at `/`, and answers /health/ready only when every app is ready
 * (or, with DAALU_READY_REQUIRES_UPSTREAMS=false as on Kubernetes, where Services route around an
 * unready pod, when it can serve itself: one unready app must not take the console down).
 *
 * As the public door it also holds the line (docs/origin.md): bodies over 1 MiB are a 413 before they
 * reach an app; a client gets 10 s to send its request (then 408); each client address has a cap on
 * requests and on event streams in flight, and the origin one on each in total (then 503 +
 * Retry-After); streams and ordinary requests use separate connection pools to the apps, so open
 * streams never take the connections requests need; an app that is down or slow is a 503 +
 * Retry-After, never a 502.
 */
export async function buildOriginServer(config: OriginConfig, logger: Logger): Promise<OriginServer> {
  let shuttingDownFlag = false;
  let closing = false;
  const upstreams: Record<Upstream, string> = {
    gateway: config.DAALU_GATEWAY_URL,
    timeline: config.DAALU_TIMELINE_URL,
    rules: config.DAALU_RULES_URL,
    outbound: config.DAALU_OUTBOUND_URL,
  };
  const agents = new UpstreamAgents({
    requests: config.DAALU_ORIGIN_MAX_REQUESTS,
    streams: config.DAALU_ORIGIN_MAX_STREAMS,
    timeoutMs: config.DAALU_ORIGIN_UPSTREAM_TIMEOUT_MS,
  });
  const admission = new Admission({
    perClient: {
      request: config.DAALU_ORIGIN_MAX_REQUESTS_PER_CLIENT,
      stream: config.DAALU_ORIGIN_MAX_STREAMS_PER_CLIENT,
    },
    total: { request: config.DAALU_ORIGIN_MAX_REQUESTS, stream: config.DAALU_ORIGIN_MAX_STREAMS },
  });
  const trustedProxies = config.DAALU_ORIGIN_TRUST_PROXY.split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const requestTimeoutSeconds = config.DAALU_ORIGIN_REQUEST_TIMEOUT_MS / 1000;

  const app = Fastify({
    logger: false,
    bodyLimit: ORIGIN_BODY_LIMIT,
    // Shutdown is answered below (503 + Retry-After, problem+json), not by Fastify's bare 503.
    return503OnClosing: false,
    // A connection silent both ways this long is closed (an event stream's heartbeat keeps it alive).
    connectionTimeout: config.DAALU_ORIGIN_IDLE_TIMEOUT_MS,
    // The whole request, body included, must arrive within this: a slow body is cut off with a 408.
    requestTimeout: config.DAALU_ORIGIN_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: config.DAALU_ORIGIN_KEEP_ALIVE_TIMEOUT_MS,
    http: {
      headersTimeout: config.DAALU_ORIGIN_HEADERS_TIMEOUT_MS,
      requestTimeout: config.DAALU_ORIGIN_REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    trustProxy: trustedProxies.length > 0 ? trustedProxies : false,
    clientErrorHandler: (error, socket) => answerClientError(error, socket, requestTimeoutSeconds),
  });
  await app.register(replyFrom, { undici: agents.router() });
  // Bodies pass through untouched (byte for byte), whatever their content type: one with a Content-Length
  // (within 1 MiB, checked on arrival) is read whole and passed on as it came; a chunked one is streamed,
  // counted on the way: past 1 MiB the upstream request is abandoned and the answer is 413.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    if (request.headers['content-length'] !== undefined && request.headers['content-type'] !== undefined) {
      bufferedBody(payload, done);
    } else {
      done(null, countedBody(payload, ORIGIN_BODY_LIMIT));
    }
  });

  // Open streams end when the origin closes (clients reconnect, to another origin or this one restarted).
  const openStreams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    closing = true;
    for (const stream of openStreams) stream.destroy();
  });
  app.addHook('onClose', async () => agents.close());

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0];
    if (HEALTH_PATHS.has(path)) return;
    if (closing) return shuttingDown(reply);
    // Decided from Content-Length before a byte of the body is read (a chunked body is counted as it comes).
    if (declaredTooLarge(request.raw, ORIGIN_BODY_LIMIT)) return tooLarge(reply, ORIGIN_BODY_LIMIT);
    const kind = isStreamRequest(request.method, request.url) ? 'stream' : 'request';
    const admitted = admission.admit(clientKey(request.ip), kind);
    if ('scope' in admitted) return refused(reply, admitted, hasBody(request.headers));
    reply.raw.once('close', admitted.release);
    if (kind === 'stream') {
      openStreams.add(reply.raw);
      reply.raw.once('close', () => openStreams.delete(reply.raw));
    }
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) logger.error({ err: error }, 'origin failed a request');
    void reply
      .status(status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(
        problem(status, 'origin-error', STATUS_CODES[status] ?? 'Error', status >= 500 ? undefined : error.message),
      );
  });

  const sendConsole = await consoleFiles(config.DAALU_CONSOLE_DIR, logger);
  // The API reference: /api/openapi.json and /api/docs (the origin's own, never passed on).
  registerApiReference(app);
  // What a problem's `type` points at: /problems/<slug> and the list at /problems/ (the origin's own).
  registerProblemPages(app);

  // The ingest routes skip Fastify (the hot path); same caps and answers.
  installIngestPassThrough(app.server, {
    gatewayUrl: upstreams.gateway,
    requests: agents.requests,
    admission,
    trustedProxies,
    timeoutMs: config.DAALU_ORIGIN_UPSTREAM_TIMEOUT_MS,
    isClosing: () => closing,
    logger,
  });

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
    if (shuttingDownFlag) checks.shutdown = { ok: false, detail: 'shutting down' };
    const ready = Object.values(checks).every((check) => check.ok);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.all('/*', async (request, reply) => {
    const upstream = routeFor(request.method, request.url);
    const path = request.url.split('?')[0];
    if (!upstream) {
      // Not passed on: read and drop whatever body came (counted, so at most 1 MiB is read).
      if (request.body instanceof Readable && (await drained(request.body)) instanceof BodyTooLarge) {
        return tooLarge(reply, ORIGIN_BODY_LIMIT);
      }
      if (sendConsole && (request.method === 'GET' || request.method === 'HEAD') && !path.startsWith('/api/')) {
        return sendConsole(request, reply, path);
      }
      return notFound(reply, `no route for ${request.method} ${path}`);
    }
    const body = request.body;
    return reply.from(`${upstreams[upstream]}${request.url}`, {
      // A body read whole goes on as it came, with its own Content-Type (reply-from would re-encode JSON).
      ...(Buffer.isBuffer(body) ? { body, contentType: request.headers['content-type'] } : {}),
      // Never retried here: the client has the Retry-After and decides.
      retryDelay: () => null,
      rewriteRequestHeaders: (_request, headers) => withoutHopByHop(headers),
      // The app's connection to the origin is not the client's: its Connection/Keep-Alive stay here.
      rewriteHeaders: (headers) => withoutHopByHop(headers),
      onResponse: (_request, innerReply, response) => {
        // An app's own 503 (starting, shutting down, overloaded) is passed on, always with a Retry-After.
        if (innerReply.statusCode === 503 && !innerReply.hasHeader('retry-after')) {
          innerReply.header('retry-after', String(RETRY_AFTER_SECONDS));
        }
        void innerReply.send(response.stream);
      },
      onError: (innerReply, { error }) => {
        logger.warn({ err: error, upstream }, 'upstream did not answer');
        // (reply-from types its reply for any server; this one is HTTP/1.)
        const answer = innerReply as unknown as FastifyReply;
        void upstreamFailed(answer, upstream, error, ORIGIN_BODY_LIMIT, config.DAALU_ORIGIN_UPSTREAM_TIMEOUT_MS);
      },
    });
  });
  return {
    app,
    admission,
    markShuttingDown: () => {
      shuttingDownFlag = true;
    },
  };
}

/** Reads a body to its end, dropping it; the error it ended with, if any. */
function drained(body: Readable): Promise<Error | undefined> {
  return new Promise((resolve) => {
    body.once('error', resolve);
    body.once('end', () => resolve(undefined));
    body.resume();
  });
}

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/**
 * A request that never became one: its headers or body did not arrive in time (408), its headers are
 * too large (431), or it is not HTTP (400). Answered as problem+json on the raw socket, which then closes.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket, requestTimeoutSeconds: number): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, slug, detail] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'request-timeout', `the request (headers and body) did not arrive within ${requestTimeoutSeconds} s`]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers-too-large', 'the request headers are too large']
        : [400, 'bad-request', 'the request is not valid HTTP'];
  // An answer already under way on this connection cannot be interrupted by another one.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify(problem(status, slug, STATUS_CODES[status] ?? 'Error', detail));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    setTimeout(() => socket.destroy(), 1000).unref();
    return;
  }
  socket.destroy(error);
}

async function readiness(url: string): Promise<{ ok: boolean; detail?: unknown }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2500) });
    return { ok: response.ok, detail: response.ok ? undefined : await response.json().catch(() => response.status) };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}
