import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { fromFastifyError, problem } from '@daalu/platform/http';
import type { FastifyError } from 'fastify';
import { apiApps, type ApiApp } from './api-apps';
import { ingestEventPaths, type SchemaLike } from './ingest-events.openapi';
import { toJsonSchema2020 } from './openapi-31';
import { HEALTH_SCHEMA, originPaths } from './origin.openapi';

type Json = Record<string, unknown>;
type Operation = { security?: unknown[]; requestBody?: unknown; parameters?: unknown[]; responses: Json };

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

/**
 * The public HTTP API as one OpenAPI 3.1 document (docs/openapi.json, served by the origin at
 * /api/openapi.json): every app's Nest controllers, read from their @nestjs/swagger metadata, plus the
 * two ingest routes the gateway serves ahead of Nest and the origin's own health routes. Only paths
 * under /api/ and the origin's health are public: each app's /metrics and its own /health/* are not
 * routed by the origin.
 *
 * Every error answer is RFC 9457 problem+json (the apps' ProblemFilter and the origin): an error
 * response a controller declares with only a description gets the Problem schema here, and the answers
 * every route can give are added where the controller did not say them: 401 on a route with a security
 * scheme; 400 (unsafe input, malformed JSON), 413 and 415 on a route with a body; 503 + Retry-After on
 * every route (the log is unavailable, or the origin finds the app down or slow).
 */
export async function buildOpenApiDocument(apps: ApiApp[] = apiApps()): Promise<Json> {
  const paths: Record<string, Json> = {};
  const schemas: Record<string, Json> = {};
  for (const app of apps) {
    const document = await nestDocument(app);
    for (const [path, item] of Object.entries(document.paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const [method, operation] of Object.entries(item)) {
        paths[path] ??= {};
        if (paths[path][method]) throw new Error(`${method.toUpperCase()} ${path} is served by two apps`);
        paths[path][method] = operation;
      }
    }
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      if (schemas[name] && JSON.stringify(schemas[name]) !== JSON.stringify(schema)) {
        throw new Error(`two different schemas are named ${name}`);
      }
      schemas[name] = schema as Json;
    }
  }
  for (const fragment of [ingestEventPaths(schemas as Record<string, SchemaLike>), originPaths()]) {
    for (const [path, item] of Object.entries(fragment)) {
      for (const [method, operation] of Object.entries(item as Json)) {
        paths[path] ??= {};
        if (paths[path][method]) throw new Error(`${method.toUpperCase()} ${path} is described twice`);
        paths[path][method] = operation;
      }
    }
  }
  for (const item of Object.values(paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as (Operation & { tags?: string[] }) | undefined;
      // The origin's own answers are what they say (its health is never refused for load).
      if (operation && !operation.tags?.includes('Origin')) completeErrors(operation);
    }
  }
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'Daalu webhooks API',
      version: 'v1',
      description: [
        'The public HTTP API of Daalu webhooks and custom sources: ingest events, read the timeline, alert',
        'rules and alerts, change proposals, outbound webhooks and their deliveries. Every path is served by',
        'one origin (port 8080 locally). Errors are RFC 9457 `application/problem+json`. This document is',
        'generated from the code (`npm run openapi`).',
      ].join(' '),
    },
    tags: tagsOf(paths),
    paths: sortedPaths(paths),
    components: {
      schemas: { ...sortedKeys(schemas), ...commonSchemas(), Health: HEALTH_SCHEMA },
      headers: commonHeaders(),
      securitySchemes: {
        ingestKey: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Daalu-Key',
          description: 'The tenant’s ingest key (`dik_…`): sending events only.',
        },
        tenantToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The tenant’s API token (`dat_…`), issued with the tenant: everything of one tenant.',
        },
        operatorToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The operator token (`DAALU_OPERATOR_TOKEN`): tenants and their limits.',
        },
      },
    },
  };
  return toJsonSchema2020(document) as Json;
}

/** The document as written to docs/openapi.json. */
export function serialize(document: Json): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

async function nestDocument(app: ApiApp): Promise<OpenAPIObject> {
  const nest = await NestFactory.create(app.module, new FastifyAdapter(), {
    preview: true,
    abortOnError: false,
    logger: false,
  });
  try {
    return SwaggerModule.createDocument(nest, new DocumentBuilder().build(), {
      operationIdFactory: (controller, method) => `${lowerFirst(controller.replace(/Controller$/, ''))}_${method}`,
    });
  } finally {
    await nest.close();
  }
}

function completeErrors(operation: Operation): void {
  const responses = operation.responses;
  const add = (status: string, description: string, example: object, headers?: Json) => {
    responses[status] ??= { description };
    const response = responses[status] as Json;
    if (headers) response.headers = { ...headers, ...(response.headers as Json | undefined) };
    response.content ??= { 'application/problem+json': { schema: PROBLEM_REF, example } };
  };
  const retryAfter = { 'Retry-After': { $ref: '#/components/headers/Retry-After' } };
  if (operation.security?.length) {
    add(
      '401',
      'Missing, malformed or unknown token',
      problem(401, 'unauthorized', 'Unauthorized', 'a valid token is required in Authorization: Bearer <token>'),
      { 'WWW-Authenticate': { $ref: '#/components/headers/WWW-Authenticate' } },
    );
  }
  if (operation.requestBody || operation.parameters?.length) {
    add(
      '400',
      'Invalid input: `errors` names every offending field or parameter',
      operation.requestBody
        ? problem(400, 'invalid-body', 'Invalid body', 'name: name must be shorter than or equal to 200 characters', {
            errors: [{ field: 'name', message: 'name must be shorter than or equal to 200 characters' }],
          })
        : problem(400, 'invalid-query', 'Invalid query', 'limit: must be a whole number from 1 to 500', {
            errors: [{ field: 'limit', message: 'must be a whole number from 1 to 500' }],
          }),
    );
  }
  if (operation.requestBody) {
    add(
      '413',
      'The body is larger than 1 MiB',
      fromFastifyError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' } as FastifyError),
    );
    add(
      '415',
      'The body is not `application/json`',
      fromFastifyError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' } as FastifyError),
    );
  }
  add(
    '503',
    'Unavailable for now (the event log, or the app behind the origin): retry after `Retry-After`',
    problem(
      503,
      'upstream-unavailable',
      'Service Unavailable',
      'the rule evaluator is not answering (it may be restarting)',
    ),
    retryAfter,
  );
  // Error answers a controller declared by description only: their body is a problem document.
  for (const [status, response] of Object.entries(responses)) {
    const answer = response as Json;
    if (Number(status) >= 400 && !answer.content) {
      answer.content = { 'application/problem+json': { schema: PROBLEM_REF } };
    }
  }
  operation.responses = sortedKeys(responses);
}

function commonSchemas(): Json {
  return {
    Problem: {
      type: 'object',
      description: 'An RFC 9457 problem document: every error answer of the API.',
      required: ['type', 'title', 'status'],
      properties: {
        type: {
          type: 'string',
          format: 'uri-reference',
          description:
            'What kind of problem, one per kind: `/problems/<slug>`, resolved against the request URL, a page the origin serves (its meaning, and what to do)',
          examples: ['/problems/invalid-body'],
        },
        title: { type: 'string', description: 'The kind of problem, in words' },
        status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status' },
        detail: { type: 'string', description: 'This occurrence, in words' },
        errors: {
          type: 'array',
          description: 'On a 400: every offending field or parameter',
          items: { $ref: '#/components/schemas/FieldError' },
        },
      },
      additionalProperties: true,
    },
    FieldError: {
      type: 'object',
      required: ['field', 'message'],
      properties: {
        field: { type: 'string', description: 'The field (dotted path) or query parameter', examples: ['match.type'] },
        message: { type: 'string', examples: ['type must be 1 to 128 characters without spaces; * matches any run'] },
      },
    },
  };
}

function commonHeaders(): Json {
  return {
    'Retry-After': {
      description: 'Seconds to wait before retrying',
      schema: { type: 'integer', minimum: 0 },
      example: 1,
    },
    RateLimit: {
      description: 'What is left of the ingest key’s limit: remaining requests `r` and seconds to full `t`',
      schema: { type: 'string' },
      example: '"per-key";r=9;t=1',
    },
    'RateLimit-Policy': {
      description: 'The ingest key’s limit: `q` requests per `w` seconds',
      schema: { type: 'string' },
      example: '"per-key";q=10;w=1',
    },
    'WWW-Authenticate': { description: 'The scheme the route takes', schema: { type: 'string' }, example: 'Bearer' },
  };
}

function tagsOf(paths: Record<string, Json>): Array<{ name: string }> {
  const names = new Set<string>();
  for (const item of Object.values(paths)) {
    for (const method of HTTP_METHODS) {
      for (const tag of (item[method] as { tags?: string[] } | undefined)?.tags ?? []) names.add(tag);
    }
  }
  return [...names].map((name) => ({ name }));
}

function sortedPaths(paths: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(
    Object.keys(paths)
      .sort()
      .map((path) => [
        path,
        Object.fromEntries(HTTP_METHODS.filter((m) => paths[path][m]).map((m) => [m, paths[path][m]])),
      ]),
  );
}

function sortedKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key]]),
  );
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
