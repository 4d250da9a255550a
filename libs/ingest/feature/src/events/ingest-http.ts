import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { LOGGER, Metrics, type Logger } from '@daalu/platform/observability';
import { CredentialDirectory } from '../credentials/credential-directory';
import { InboundHistory } from '../history/inbound-history';
import { answerErrorsAsProblems, badRequest } from '@daalu/platform/http';
import { parseJsonSafely } from '../shared/safe-json';
import { EventIngestService } from './event-ingest.service';
import { IngestFrontDoor } from './ingest-front-door';
import { IngestRateLimiter } from './ingest-rate-limiter';

/** The largest ingest body (the product page's 1 MiB). */
export const INGEST_BODY_LIMIT = 1024 * 1024;

/**
 * The gateway's HTTP set-up:
 *  - POST /api/v1/events and /batch are served by the IngestFrontDoor, ahead of Fastify;
 *  - the other routes (tenants, key rotation, history) are Nest controllers on Fastify, JSON only,
 *    parsed safely (`__proto__`/`constructor` keys are refused);
 *  - every error leaves as RFC 9457 problem+json (ProblemFilter).
 */
export function configureIngestHttp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  answerErrorsAsProblems(app);

  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const parsed = parseJsonSafely(body as string, 'the request');
    if (parsed.ok) done(null, parsed.value);
    else done(badRequest(parsed.detail), undefined);
  });

  new IngestFrontDoor({
    directory: app.get(CredentialDirectory),
    limiter: app.get(IngestRateLimiter),
    ingest: app.get(EventIngestService),
    history: app.get(InboundHistory),
    metrics: app.get(Metrics),
    logger: app.get<Logger>(LOGGER),
    bodyLimit: INGEST_BODY_LIMIT,
  }).install(fastify.server);
}
