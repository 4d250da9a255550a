import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { hashToken, isWellFormedToken, tokenPrefix, type ApiTokenDirectory } from '@daalu/platform/tenancy';
import type { Logger, Metrics } from '@daalu/platform/observability';
import type { CredentialDirectory } from '../credentials/credential-directory';
import type { InboundHistory } from '../history/inbound-history';
import {
  bodyTooLargeDetail,
  problem,
  ProblemException,
  PROBLEM_CONTENT_TYPE,
  type Problem,
} from '@daalu/platform/http';
import { parseJsonSafely } from '../shared/safe-json';
import type { EventIngestService } from './event-ingest.service';
import type { IngestRateLimiter } from './ingest-rate-limiter';
import type { IngestContext } from './ingest-request';

const KEY_HEADER = 'x-daalu-key';
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const ROUTES: Record<string, 'single' | 'batch'> = { '/api/v1/events': 'single', '/api/v1/events/batch': 'batch' };

/** The same answer for a missing and a wrong key, so the response says nothing about which it was. */
const UNAUTHORIZED = problem(
  401,
  'invalid-ingest-key',
  'Unauthorized',
  'a valid ingest key is required in X-Daalu-Key',
);
const SUSPENDED = problem(
  403,
  'tenant-suspended',
  'Forbidden',
  'the tenant is suspended: its ingest key is refused until it is resumed; nothing was stored',
);
const tooLarge = (limit: number) => problem(413, 'body-too-large', 'Payload too large', bodyTooLargeDetail(limit));
const NOT_JSON = problem(
  415,
  'unsupported-media-type',
  'Unsupported media type',
  'send the body as Content-Type: application/json',
);
const CLOSING = problem(503, 'shutting-down', 'Service unavailable', 'this gateway is shutting down; retry');
/** Right after a start, a key not known yet may be one the gateway has not loaded: not a 401 yet. */
const LOADING_KEYS = problem(503, 'starting', 'Service unavailable', 'this gateway is still loading its keys; retry');
const INTERNAL = problem(500, 'internal', 'Internal error', 'the request failed; it was logged');

export interface IngestFrontDoorDeps {
  directory: CredentialDirectory;
  /** Whether a tenant is suspended (the state every app's API follows too). */
  tenants: ApiTokenDirectory;
  limiter: IngestRateLimiter;
  ingest: EventIngestService;
  history: InboundHistory;
  metrics: Metrics;
  logger: Logger;
  bodyLimit: number;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  contentType: string;
}

/**
 * POST /api/v1/events and /api/v1/events/batch, served straight from Node's HTTP server in front of
 * Fastify. This is the one hot path of the product, and Fastify's per-request machinery (router, seven
 * hooks, the content-type parser's AsyncResource) cost more CPU than everything the gateway itself does
 * (bench:ingest measures it). Every other route still goes through Fastify and Nest.
 *
 * The order matters and is what docs/product.md promises:
 *  1. the key (401) and the rate limit (429) are checked before a byte of the body is read; until the
 *     key directory has loaded the CONFIG stream, an unknown key is a 503 with Retry-After, not a 401;
 *  2. JSON only (415), 1 MiB at most (413), parsed safely (`__proto__`/`constructor` keys are a 400);
 *  3. the service answers 202/207 only once JetStream stored the event, else a problem (400, 503);
 *  4. every request of a known tenant, accepted or not, goes to the inbound history, key redacted.
 */
export class IngestFrontDoor {
  private readonly tooLarge: Problem;

  constructor(private readonly deps: IngestFrontDoorDeps) {
    this.tooLarge = tooLarge(deps.bodyLimit);
  }

  /** Puts the front door before Fastify's request listener; other requests pass through untouched. */
  install(server: Server): void {
    const fastifyListeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const route = req.method === 'POST' ? ROUTES[pathOf(req.url)] : undefined;
      if (route) {
        void this.serve(server, req, res, route);
        return;
      }
      for (const listener of fastifyListeners) listener.call(server, req, res);
    });
  }

  private async serve(
    server: Server,
    req: IncomingMessage,
    res: ServerResponse,
    route: 'single' | 'batch',
  ): Promise<void> {
    const startedAt = performance.now();
    let ingest: IngestContext | undefined;
    let answer: Answer;
    try {
      if (!server.listening) {
        answer = problemAnswer(CLOSING, { 'Retry-After': '2', Connection: 'close' });
      } else {
        const key = req.headers[KEY_HEADER];
        ingest = this.authenticate(key, startedAt);
        if (ingest) answer = await this.handle(req, ingest, route);
        else if (!this.deps.directory.caughtUp) answer = problemAnswer(LOADING_KEYS, { 'Retry-After': '1' });
        else answer = problemAnswer(UNAUTHORIZED);
      }
    } catch (error) {
      if (error instanceof ClientGone) return; // nobody to answer; nothing was stored
      this.deps.logger.error({ err: error, route }, 'unhandled error in ingest request');
      answer = problemAnswer(INTERNAL);
    }
    this.respond(res, answer);
    this.deps.metrics.httpDuration.observe(
      {
        method: 'POST',
        route: route === 'single' ? '/api/v1/events' : '/api/v1/events/batch',
        status: String(answer.status),
      },
      (performance.now() - startedAt) / 1000,
    );
    if (ingest) {
      ingest.response = { status: answer.status, headers: keptHeaders(answer), body: answer.body };
      this.deps.history.record({ method: 'POST', path: pathOf(req.url), headers: req.headers }, ingest);
    }
  }

  /** The tenant of the key, or undefined (a missing key is hashed too: it takes as long as a wrong one). */
  private authenticate(key: string | string[] | undefined, startedAt: number): IngestContext | undefined {
    const resolved =
      typeof key === 'string' && isWellFormedToken('ingest-key', key)
        ? this.deps.directory.tenantForIngestKey(key)
        : (hashToken(''), null);
    if (!resolved) return undefined;
    return { tenantId: resolved.tenantId, keyPrefix: tokenPrefix(key as string), startedAt, receivedAt: new Date() };
  }

  private async handle(req: IncomingMessage, ingest: IngestContext, route: 'single' | 'batch'): Promise<Answer> {
    if (this.deps.tenants.tenant(ingest.tenantId)?.suspended) return problemAnswer(SUSPENDED, { Connection: 'close' });
    const rate = this.deps.limiter.take(ingest.tenantId);
    const rateHeaders = {
      'RateLimit-Policy': `"per-key";q=${rate.limit};w=1`,
      RateLimit: `"per-key";r=${rate.remaining};t=${rate.resetSeconds}`,
    };
    const withRate = (answer: Answer): Answer => ({ ...answer, headers: { ...rateHeaders, ...answer.headers } });
    if (!rate.allowed) {
      const limited = problem(
        429,
        'rate-limited',
        'Too many requests',
        `at most ${rate.limit} POSTs per second per ingest key`,
      );
      return withRate(problemAnswer(limited, { 'Retry-After': String(rate.retryAfterSeconds) }));
    }
    const body = await this.readJson(req, ingest);
    if (body instanceof ProblemAnswer) return withRate(body.answer);
    try {
      if (route === 'single') {
        const key = req.headers['idempotency-key'];
        const accepted = await this.deps.ingest.ingest(
          ingest.tenantId,
          body,
          typeof key === 'string' ? key : undefined,
        );
        return withRate(jsonAnswer(202, accepted));
      }
      const result = await this.deps.ingest.ingestBatch(ingest.tenantId, body);
      const accepted = result.items.filter((item) => item.status === 202).length;
      return withRate(
        jsonAnswer(result.allAccepted ? 202 : 207, {
          accepted,
          rejected: result.items.length - accepted,
          items: result.items,
        }),
      );
    } catch (error) {
      if (error instanceof ProblemException) return withRate(problemAnswer(error.problem, error.headers));
      throw error;
    }
  }

  /** The parsed body, or the problem that stops the request (415, 413, 400). */
  private async readJson(req: IncomingMessage, ingest: IngestContext): Promise<unknown> {
    const contentType = req.headers['content-type'];
    const declaredLength = Number(req.headers['content-length'] ?? NaN);
    if (contentType === undefined ? hasBody(req) : mediaType(contentType) !== 'application/json') {
      return new ProblemAnswer(problemAnswer(NOT_JSON, { Connection: 'close' }));
    }
    if (declaredLength > this.deps.bodyLimit)
      return new ProblemAnswer(problemAnswer(this.tooLarge, { Connection: 'close' }));
    const text = await readText(req, this.deps.bodyLimit);
    if (text === undefined) return new ProblemAnswer(problemAnswer(this.tooLarge, { Connection: 'close' }));
    ingest.rawBody = text;
    const parsed = parseJsonSafely(text, 'the event envelope');
    return parsed.ok
      ? parsed.value
      : new ProblemAnswer(problemAnswer(problem(400, 'malformed-json', 'Malformed JSON', parsed.detail)));
  }

  private respond(res: ServerResponse, answer: Answer): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(answer.status, {
      ...answer.headers,
      'content-type': answer.contentType,
      'content-length': Buffer.byteLength(answer.body),
    });
    res.end(answer.body);
  }
}

/** The client went away before its body was complete. */
class ClientGone extends Error {}

/** A parse or size problem, told apart from a parsed body (which may be any JSON value). */
class ProblemAnswer {
  constructor(readonly answer: Answer) {}
}

function jsonAnswer(status: number, body: unknown): Answer {
  return { status, headers: {}, body: JSON.stringify(body), contentType: JSON_CONTENT_TYPE };
}

function problemAnswer(body: Problem, headers: Record<string, string> = {}): Answer {
  return { status: body.status, headers, body: JSON.stringify(body), contentType: PROBLEM_CONTENT_TYPE };
}

/** The response headers worth keeping in the history. */
function keptHeaders(answer: Answer): Record<string, string> {
  const out: Record<string, string> = { 'content-type': answer.contentType };
  for (const [name, value] of Object.entries(answer.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'retry-after' || lower === 'ratelimit' || lower === 'ratelimit-policy') out[lower] = value;
  }
  return out;
}

function pathOf(url: string | undefined): string {
  if (!url) return '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function mediaType(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** The body as UTF-8 text, or undefined once it passes `limit` bytes (the rest is discarded). */
function readText(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        req.off('data', onData);
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () =>
      resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
    // Before 'end', an error or a close means the client is gone ('close' follows every request).
    const gone = () => {
      if (!req.complete) reject(new ClientGone());
    };
    req.once('error', gone);
    req.once('close', gone);
  });
}
