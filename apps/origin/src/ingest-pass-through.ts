import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { Logger } from 'pino';
import type { Agent } from 'undici';
import { type Admission, clientKey } from './admission';
import { bufferedBody, declaredTooLarge } from './body-limit';
import { ORIGIN_BODY_LIMIT, RETRY_AFTER_SECONDS } from './limits';
import {
  refusedAnswer,
  shuttingDownAnswer,
  tooLargeAnswer,
  upstreamFailedAnswer,
  write,
  type ProblemAnswer,
} from './problems';
import { withoutHopByHop } from './hop-by-hop';

/** The two routes every sender calls, many times a second: passed on without Fastify. */
const INGEST_PATHS = new Set(['/api/v1/events', '/api/v1/events/batch']);

export interface IngestPassThroughOptions {
  gatewayUrl: string;
  requests: Agent;
  admission: Admission;
  /** The proxies trusted to name the client (X-Forwarded-For), as for Fastify's trustProxy. */
  trustedProxies: string[];
  timeoutMs: number;
  isClosing(): boolean;
  logger: Logger;
}

/**
 * POST /api/v1/events and /batch, passed to the gateway straight from Node's HTTP server, ahead of
 * Fastify and @fastify/reply-from: their per-request machinery cost the origin more CPU per event than
 * the gateway spends storing it (`npm run bench:stack`). Same rules as every other route: shutdown,
 * the 1 MiB limit from Content-Length, the client's and the origin's caps, a 503 + Retry-After for an
 * app that is down or slow. A request this path does not take as it is (no Content-Length or
 * Content-Type, a chunked body) goes to Fastify as before.
 */
export function installIngestPassThrough(server: Server, options: IngestPassThroughOptions): void {
  const trust = proxyAddr.compile(options.trustedProxies);
  const fastifyListeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (takes(req)) {
      void passOn(req, res, proxyAddr(req, trust), options);
      return;
    }
    for (const listener of fastifyListeners) listener.call(server, req, res);
  });
}

function takes(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const query = req.url?.indexOf('?') ?? -1;
  const path = query === -1 ? req.url : req.url!.slice(0, query);
  return (
    INGEST_PATHS.has(path ?? '') &&
    req.headers['content-length'] !== undefined &&
    req.headers['content-type'] !== undefined &&
    req.headers['transfer-encoding'] === undefined &&
    req.headers.expect === undefined
  );
}

async function passOn(
  req: IncomingMessage,
  res: ServerResponse,
  ip: string,
  options: IngestPassThroughOptions,
): Promise<void> {
  if (options.isClosing()) return write(res, shuttingDownAnswer());
  if (declaredTooLarge(req, ORIGIN_BODY_LIMIT)) return write(res, tooLargeAnswer(ORIGIN_BODY_LIMIT));
  const admitted = options.admission.admit(clientKey(ip), 'request');
  if ('scope' in admitted) return write(res, refusedAnswer(admitted, true));
  res.once('close', admitted.release);
  try {
    const body = await new Promise<Buffer>((resolve, reject) =>
      bufferedBody(req, (error, buffer) => (error ? reject(error) : resolve(buffer!))),
    );
    const response = await options.requests.request({
      origin: options.gatewayUrl,
      path: req.url!,
      method: 'POST',
      headers: passedOn(req.headers),
      body,
    });
    const headers = passedOn(response.headers);
    // An app's own 503 (starting, shutting down, overloaded) is passed on, always with a Retry-After.
    if (response.statusCode === 503 && headers['retry-after'] === undefined) {
      headers['retry-after'] = String(RETRY_AFTER_SECONDS);
    }
    const answer = Buffer.from(await response.body.arrayBuffer());
    if (res.destroyed) return;
    res.writeHead(response.statusCode, { ...headers, 'content-length': answer.length });
    res.end(answer);
  } catch (error) {
    if (res.destroyed) return; // the client is gone: nobody to answer
    const answer: ProblemAnswer = upstreamFailedAnswer('gateway', error as Error, ORIGIN_BODY_LIMIT, options.timeoutMs);
    if (answer.status >= 500) options.logger.warn({ err: error, upstream: 'gateway' }, 'upstream did not answer');
    write(res, answer);
  }
}

/** The headers to pass on: not hop-by-hop, and not the ones set again for this hop. */
function passedOn(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[] | undefined> {
  const kept = withoutHopByHop(headers);
  delete kept['content-length']; // set again for the body as sent
  delete kept.host; // the app's, set by the client
  return kept;
}
