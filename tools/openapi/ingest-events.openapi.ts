import { PAGE_EXAMPLE_ENVELOPE } from '@daalu/contracts/testing';
import { INGEST_BODY_LIMIT } from '@daalu/ingest/feature';
import { problem } from '@daalu/platform/http';

/**
 * `POST /api/v1/events` and `/api/v1/events/batch`: served by the gateway's IngestFrontDoor, a plain
 * `node:http` listener in front of Nest, so no controller describes them. Their schemas are the
 * ingest feature's own DTOs (the envelope, IngestEventDto, and the answers, in
 * libs/ingest/feature/src/events/*.dto.ts, put in the document by the ingest detail controller); this
 * fragment adds the operations, their headers and every answer the front door gives, in its order:
 * key (401) and rate limit (429) before the body is read, then media type (415), size (413), JSON and
 * fields (400), then the log (202/207, or 503).
 */
export function ingestEventPaths(schemas: Record<string, SchemaLike>): Record<string, unknown> {
  const batchMax = maxItemsOf(schemas, 'IngestBatchResult', 'items');
  const rateHeaders = {
    RateLimit: { $ref: '#/components/headers/RateLimit' },
    'RateLimit-Policy': { $ref: '#/components/headers/RateLimit-Policy' },
  };
  const problemAnswer = (description: string, example: object, headers: Record<string, unknown> = {}) => ({
    description,
    headers,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' }, example } },
  });
  const errors = (single: boolean) => ({
    '400': problemAnswer(
      single
        ? 'Malformed JSON, a body that is not an object, a `__proto__`/`constructor` key, an invalid Idempotency-Key, or invalid fields: `errors` names every field'
        : 'Malformed JSON, or a body that is not an array of 1 to ' + batchMax + ' events',
      single
        ? problem(400, 'invalid-event', 'Invalid event', 'summary: summary is required', {
            errors: [{ field: 'summary', message: 'summary is required' }],
          })
        : problem(400, 'invalid-batch', 'Invalid batch', `the body must be a JSON array of 1 to ${batchMax} events`),
      rateHeaders,
    ),
    '401': problemAnswer(
      'Missing, wrong, mistyped or expired ingest key: the same answer for all',
      problem(401, 'invalid-ingest-key', 'Unauthorized', 'a valid ingest key is required in X-Daalu-Key'),
    ),
    '413': problemAnswer(
      `The body is larger than ${INGEST_BODY_LIMIT.toLocaleString('en')} bytes (the connection is closed)`,
      problem(413, 'body-too-large', 'Payload too large', 'the body is larger than 1 MiB (1,048,576 bytes)'),
      rateHeaders,
    ),
    '415': problemAnswer(
      'The body is not `application/json`',
      problem(
        415,
        'unsupported-media-type',
        'Unsupported media type',
        'send the body as Content-Type: application/json',
      ),
      rateHeaders,
    ),
    '429': problemAnswer(
      'Over the ingest key’s rate limit (a token bucket per tenant, shared by every gateway replica)',
      problem(429, 'rate-limited', 'Too many requests', 'at most 10 POSTs per second per ingest key'),
      { ...rateHeaders, 'Retry-After': { $ref: '#/components/headers/Retry-After' } },
    ),
    '503': problemAnswer(
      'The event log did not acknowledge within the publish timeout, or is unreachable: not known to be stored. Retry after `Retry-After` (with an `Idempotency-Key`, to be sure of one event)',
      problem(503, 'log-unavailable', 'Service unavailable', 'the event log did not store the event; retry later'),
      { ...rateHeaders, 'Retry-After': { $ref: '#/components/headers/Retry-After' } },
    ),
  });
  return {
    '/api/v1/events': {
      post: {
        operationId: 'events_ingest',
        tags: ['Ingest'],
        summary: 'Send one event',
        description:
          'Writes one event onto the tenant’s timeline. `202` means JetStream stored it. The tenant comes from the ingest key; `tenant_id`/`tenantId` and unknown fields are dropped with a warning.',
        security: [{ ingestKey: [] }],
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description:
              'A retried POST with the same key returns the first event’s id (`duplicate: true`) without a second event, for 24 hours.',
            schema: { type: 'string', minLength: 1, maxLength: 255 },
            example: 'nightly-cron-2026-11-27',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/IngestEvent' },
              example: PAGE_EXAMPLE_ENVELOPE,
            },
          },
        },
        responses: {
          '202': {
            description: 'Stored on the log',
            headers: rateHeaders,
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/IngestAccepted' },
                example: { id: '0193a5b2-7c1e-7d4a-9b3f-2e8c4a6d1f05', status: 'accepted' },
              },
            },
          },
          ...errors(true),
        },
      },
    },
    '/api/v1/events/batch': {
      post: {
        operationId: 'events_ingestBatch',
        tags: ['Ingest'],
        summary: 'Send up to ' + batchMax + ' events at once',
        description:
          'Each item is validated and stored on its own; the whole POST counts once for the rate limit. `202` when every item was stored, `207` otherwise.',
        security: [{ ingestKey: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'array',
                minItems: 1,
                maxItems: batchMax,
                items: { $ref: '#/components/schemas/IngestEvent' },
              },
              example: [
                PAGE_EXAMPLE_ENVELOPE,
                { type: 'deploy.finished', source: 'ci', summary: 'api v2.14.0 deployed to prod' },
              ],
            },
          },
        },
        responses: {
          '202': {
            description: 'Every item was stored',
            headers: rateHeaders,
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/IngestBatchResult' },
                example: {
                  accepted: 2,
                  rejected: 0,
                  items: [
                    { index: 0, status: 202, id: '0193a5b2-7c1e-7d4a-9b3f-2e8c4a6d1f05' },
                    { index: 1, status: 202, id: '0193a5b2-7c1e-7d4a-9b3f-2e8c4a6d1f06' },
                  ],
                },
              },
            },
          },
          '207': {
            description: 'Some items were not stored: each says why',
            headers: rateHeaders,
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/IngestBatchResult' },
                example: {
                  accepted: 1,
                  rejected: 1,
                  items: [
                    { index: 0, status: 202, id: '0193a5b2-7c1e-7d4a-9b3f-2e8c4a6d1f05' },
                    {
                      index: 1,
                      status: 400,
                      detail: 'source: source is required',
                      errors: [{ field: 'source', message: 'source is required' }],
                    },
                  ],
                },
              },
            },
          },
          ...errors(false),
        },
      },
    },
  };
}

/** A schema as far as this file reads one. */
export interface SchemaLike {
  properties?: Record<string, { maxItems?: number }>;
}

function maxItemsOf(schemas: Record<string, SchemaLike>, schema: string, property: string): number {
  const max = schemas[schema]?.properties?.[property]?.maxItems;
  if (typeof max !== 'number') throw new Error(`${schema}.${property} has no maxItems: the ingest DTOs changed`);
  return max;
}
