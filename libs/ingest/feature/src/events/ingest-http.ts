import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { NatsClient } from '@daalu/platform/jetstream';
import { LOGGER, Metrics, type Logger } from '@daalu/platform/observability';
import { ApiTokenDirectory } from '@daalu/platform/tenancy';
import { CredentialDirectory } from '../credentials/credential-directory';
import { InboundHistory } from '../history/inbound-history';
import { answerErrorsAsProblems, badRequest } from '@daalu/platform/http';
import { parseJsonSafely } from '../shared/safe-json';
import { EventIngestService } from './event-ingest.service';
import { IngestFrontDoor } from './ingest-front-door';
import { IngestRateLimiter } from './ingest-rate-limiter';

/** The largest ingest body: 1 MiB. */
export const INGEST_BODY_LIMIT = 1024 * 1024;

/** What an event's fact adds to its body at most (ids, tenant, timestamps, NATS headers), with room. */
export const FACT_OVERHEAD_BYTES = 8 * 1024;

/**
 * The body limit this gateway can keep: 1 MiB, unless the NATS server takes smaller messages than a
 * 1 MiB event's fact (NATS's default max_payload is 1 MiB); then the limit is lowered to what fits, so
 * that an accepted size is never one the log refuses.
 */
export function ingestBodyLimit(maxPayload: number | undefined): number {
  if (!maxPayload) return INGEST_BODY_LIMIT;
  return Math.max(0, Math.min(INGEST_BODY_LIMIT, maxPayload - FACT_OVERHEAD_BYTES));
}

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

  const logger = app.get<Logger>(LOGGER);
  const maxPayload = app.get(NatsClient).maxPayload;
  const bodyLimit = ingestBodyLimit(maxPayload);
  if (bodyLimit < INGEST_BODY_LIMIT) {
    logger.warn(
      { maxPayload, bodyLimit, wanted: INGEST_BODY_LIMIT + FACT_OVERHEAD_BYTES },
      `NATS max_payload is ${maxPayload} bytes: ingest bodies are limited to ${bodyLimit} bytes instead of 1 MiB. ` +
        'Raise max_payload to 4 MiB (deploy/nats/daalu.conf) to accept every 1 MiB event.',
    );
  }

  new IngestFrontDoor({
    directory: app.get(CredentialDirectory),
    tenants: app.get(ApiTokenDirectory),
    limiter: app.get(IngestRateLimiter),
    ingest: app.get(EventIngestService),
    history: app.get(InboundHistory),
    metrics: app.get(Metrics),
    logger,
    bodyLimit,
  }).install(fastify.server);
}
