/**
 * Which app answers which public path. Locally and in docker compose the origin applies this table;
 * in Kubernetes the chart's Ingress carries the same rules (deploy/chart/daalu-webhooks/templates/
 * ingress.yaml; tools/deploy/chart.e2e-spec.ts checks it against this table). Matched top to bottom;
 * `method` narrows a rule where two apps share a path (POST /api/v1/events is ingest, GET is the timeline).
 */
export type Upstream = 'gateway' | 'timeline' | 'rules' | 'outbound';

export interface Route {
  prefix: string;
  /** Narrows a rule to paths that also match this (e.g. one event's evaluations under /api/v1/events). */
  pattern?: RegExp;
  method?: 'GET' | 'POST';
  upstream: Upstream;
}

export const ROUTES: Route[] = [
  { prefix: '/api/v1/events/batch', upstream: 'gateway' },
  { prefix: '/api/v1/events', method: 'POST', upstream: 'gateway' },
  { prefix: '/api/v1/events', pattern: /^\/api\/v1\/events\/[^/]+\/evaluations$/, method: 'GET', upstream: 'rules' },
  { prefix: '/api/v1/events', method: 'GET', upstream: 'timeline' },
  { prefix: '/api/v1/event-types', method: 'GET', upstream: 'timeline' },
  { prefix: '/api/v1/tenants', upstream: 'gateway' },
  { prefix: '/api/v1/ingest-key', upstream: 'gateway' },
  { prefix: '/api/v1/api-tokens', upstream: 'gateway' },
  { prefix: '/api/v1/audit', upstream: 'gateway' },
  { prefix: '/api/v1/ingest', upstream: 'gateway' },
  { prefix: '/api/v1/alert-rules', upstream: 'rules' },
  { prefix: '/api/v1/alerts', upstream: 'rules' },
  { prefix: '/api/v1/silences', upstream: 'rules' },
  { prefix: '/api/v1/checks', upstream: 'rules' },
  { prefix: '/api/v1/proposals', upstream: 'rules' },
  { prefix: '/api/v1/webhooks', upstream: 'outbound' },
  { prefix: '/api/v1/deliveries', upstream: 'outbound' },
];

/** The app for a request, or undefined when no rule matches (the origin answers 404). */
export function routeFor(method: string, path: string): Upstream | undefined {
  const pathOnly = path.split('?')[0];
  return ROUTES.find(
    (route) =>
      (pathOnly === route.prefix || pathOnly.startsWith(`${route.prefix}/`)) &&
      (route.pattern === undefined || route.pattern.test(pathOnly)) &&
      (route.method === undefined || route.method === method || (route.method === 'GET' && method === 'HEAD')),
  )?.upstream;
}
