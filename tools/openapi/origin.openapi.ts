/**
 * What the origin (apps/origin) answers itself rather than passing on to an app: its health, this
 * document with its browsable reference, and the pages a problem's `type` points at.
 */
export function originPaths(): Record<string, unknown> {
  const health = (summary: string, description: string, example: object) => ({
    tags: ['Origin'],
    summary,
    description,
    security: [],
    responses: {
      '200': {
        description: 'Yes',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' }, example } },
      },
    },
  });
  return {
    '/health/live': {
      get: {
        operationId: 'origin_live',
        ...health('Is the origin up', 'Never refused for load: a busy origin is not a dead one.', {
          status: 'live',
        }),
      },
    },
    '/health/ready': {
      get: {
        operationId: 'origin_ready',
        ...withNotReady(
          health(
            'Is every app ready',
            'Ready when every app answers its own readiness (locally and in docker compose), and the origin is not shutting down.',
            {
              status: 'ready',
              checks: { gateway: { ok: true }, timeline: { ok: true }, rules: { ok: true }, outbound: { ok: true } },
            },
          ),
        ),
      },
    },
    '/api/openapi.json': {
      get: {
        operationId: 'origin_openapi',
        tags: ['Origin'],
        summary: 'This document',
        security: [],
        responses: {
          '200': {
            description: 'The OpenAPI 3.1 document of the public API',
            content: { 'application/json': { schema: { type: 'object' } } },
          },
        },
      },
    },
    '/api/docs': {
      get: {
        operationId: 'origin_docs',
        tags: ['Origin'],
        summary: 'The API reference, to browse',
        security: [],
        responses: { '200': { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/problems/': {
      get: {
        operationId: 'origin_problem_types',
        tags: ['Origin'],
        summary: 'Every kind of problem',
        description: 'The list of the problem types an error answer\'s `type` can be, each linked to its page.',
        security: [],
        responses: { '200': { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/problems/{slug}': {
      get: {
        operationId: 'origin_problem_type',
        tags: ['Origin'],
        summary: 'One kind of problem',
        description:
          'What an error answer\'s `type` (`/problems/<slug>`, resolved against the request URL) points at: its title, status, what it means and what to do.',
        security: [],
        parameters: [
          {
            name: 'slug',
            in: 'path',
            required: true,
            description: 'The kind of problem',
            schema: { type: 'string', pattern: '^[a-z0-9-]+$' },
            example: 'invalid-body',
          },
        ],
        responses: {
          '200': { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
          '404': {
            description: 'No such kind of problem',
            content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
          },
        },
      },
    },
  };
}

function withNotReady<T extends { responses: Record<string, unknown> }>(operation: T): T {
  return {
    ...operation,
    responses: {
      ...operation.responses,
      '503': {
        description: 'Not ready: `checks` says which app is not, and why',
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Health' },
            example: {
              status: 'not ready',
              checks: { gateway: { ok: true }, rules: { ok: false, detail: 'fetch failed' } },
            },
          },
        },
      },
    },
  };
}

/** The health answer's schema (components.schemas.Health). */
export const HEALTH_SCHEMA = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['live', 'ready', 'not ready'] },
    checks: {
      type: 'object',
      description: 'Per app (and `shutdown`): whether it is ready, and why not',
      additionalProperties: {
        type: 'object',
        required: ['ok'],
        properties: { ok: { type: 'boolean' }, detail: {} },
      },
    },
  },
};
