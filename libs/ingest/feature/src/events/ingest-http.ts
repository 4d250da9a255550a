import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type {
  FastifyInstance,
  FastifyReply,
  onRequestHookHandler,
  onResponseHookHandler,
  onSendHookHandler,
} from 'fastify';
import secureJson from 'secure-json-parse';
import { isWellFormedToken, hashToken, tokenPrefix } from '@daalu/ingest/domain';
import { CredentialDirectory } from '../credentials/credential-directory';
import { InboundHistory } from '../history/inbound-history';
import { badRequest, problem, ProblemFilter, sendProblem } from '../shared/problem';
import { EventIngestService } from './event-ingest.service';
import { IngestRateLimiter } from './ingest-rate-limiter';
import type { IngestContext, IngestRequest } from './ingest-request';

const KEY_HEADER = 'x-daalu-key';
/** The same answer for a missing and a wrong key, so the response says nothing about which it was. */
const UNAUTHORIZED = problem(
  401,
  'invalid-ingest-key',
  'Unauthorized',
  'a valid ingest key is required in X-Daalu-Key',
);

/**
 * The ingest endpoint's HTTP behaviour around the handler:
 *  - the key is checked and the rate limit applied in onRequest, before a byte of the body is read;
 *  - JSON only, parsed safely (`__proto__`/`constructor` keys are refused), 1 MiB at most;
 *  - every error leaves as RFC 9457 problem+json with the right code (400, 401, 413, 415, 429, 503),
 *    Fastify's own (413, 415, malformed JSON) through ProblemFilter, as Nest routes them there;
 *  - every request of a known tenant, accepted or not, is recorded for the detail page (key redacted).
 */
export function configureIngestHttp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const directory = app.get(CredentialDirectory);
  const limiter = app.get(IngestRateLimiter);
  const history = app.get(InboundHistory);
  const ingestService = app.get(EventIngestService);
  app.useGlobalFilters(app.get(ProblemFilter));

  fastify.decorateRequest('ingest', null);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    const ingest = (request as IngestRequest).ingest;
    if (ingest) ingest.rawBody = text;
    if (text.length === 0) return done(badRequest('the body is empty; send the event envelope as JSON'), undefined);
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      const message = (error as Error).message;
      done(
        badRequest(/prototype/i.test(message) ? `forbidden key in JSON: ${message}` : `malformed JSON: ${message}`),
        undefined,
      );
    }
  });

  /** Before the body is read: the key (401) and the rate limit (429). */
  const authenticate: onRequestHookHandler = (request, reply, done) => {
    const key = request.headers[KEY_HEADER];
    const resolved =
      typeof key === 'string' && isWellFormedToken('ingest-key', key)
        ? directory.tenantForIngestKey(key)
        : (hashToken(''), null); // hash anyway: a missing key takes as long as a wrong one
    if (!resolved) {
      sendProblem(reply, UNAUTHORIZED);
      return;
    }
    const ingest: IngestContext = {
      tenantId: resolved.tenantId,
      keyPrefix: tokenPrefix(key as string),
      startedAt: performance.now(),
      receivedAt: new Date(),
    };
    (request as IngestRequest).ingest = ingest;
    const rate = limiter.take(resolved.tenantId);
    void reply.header('RateLimit-Policy', `"per-key";q=${rate.limit};w=1`);
    void reply.header('RateLimit', `"per-key";r=${rate.remaining};t=${rate.resetSeconds}`);
    if (!rate.allowed) {
      sendProblem(
        reply,
        problem(429, 'rate-limited', 'Too many requests', `at most ${rate.limit} POSTs per second per ingest key`),
        { 'Retry-After': String(rate.retryAfterSeconds) },
      );
      return;
    }
    done();
  };

  /** Keeps the answer for the history (written after the response is sent). */
  const capture: onSendHookHandler = (request, reply, payload, done) => {
    const ingest = (request as IngestRequest).ingest;
    if (ingest) {
      ingest.response = {
        status: reply.statusCode,
        headers: pickHeaders(reply),
        body: typeof payload === 'string' ? payload : '',
      };
    }
    done(null, payload);
  };

  const remember: onResponseHookHandler = (request, _reply, done) => {
    const ingest = (request as IngestRequest).ingest;
    if (ingest?.response) history.record(request, ingest);
    done();
  };

  // The hot path is a plain Fastify route with route-level hooks; the service behind it is the Nest provider.
  const hooks = { onRequest: authenticate, onSend: capture, onResponse: remember };
  fastify.post('/api/v1/events', hooks, async (request, reply) => {
    const ingest = (request as IngestRequest).ingest!;
    const key = request.headers['idempotency-key'];
    void reply.status(202);
    return ingestService.ingest(ingest.tenantId, request.body, typeof key === 'string' ? key : undefined);
  });
  fastify.post('/api/v1/events/batch', hooks, async (request, reply) => {
    const result = await ingestService.ingestBatch((request as IngestRequest).ingest!.tenantId, request.body);
    void reply.status(result.allAccepted ? 202 : 207);
    return {
      accepted: result.items.filter((item) => item.status === 202).length,
      rejected: result.items.filter((item) => item.status !== 202).length,
      items: result.items,
    };
  });
}

/** The response headers worth keeping in the history (read one by one: no copy of all of them). */
function pickHeaders(reply: FastifyReply): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of KEPT_RESPONSE_HEADERS) {
    const value = reply.getHeader(name);
    if (value !== undefined) out[name] = String(value);
  }
  return out;
}

const KEPT_RESPONSE_HEADERS = ['content-type', 'retry-after', 'ratelimit', 'ratelimit-policy'];
