import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './openapi';

/**
 * A typed client of the public HTTP API (docs/openapi.json): every path, parameter, body and answer is
 * checked by the compiler against the document. `npm run openapi` regenerates the types (./openapi.d.ts)
 * whenever the API changes, so code that reads a field the API no longer has stops compiling.
 */
export type { components, operations, paths };

export interface DaaluClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where the origin is, e.g. `http://localhost:8080`; `''` for the page's own origin (in a browser). */
  baseUrl: string;
  /** The tenant's API token (or the operator's), sent as `Authorization: Bearer …`; a function is asked on each request. */
  apiToken?: string | (() => string | undefined);
  /** The tenant's ingest key, sent as `X-Daalu-Key` with `POST /api/v1/events` and `/api/v1/events/batch` only. */
  ingestKey?: string;
}

export type DaaluClient = Client<paths>;

/** The paths that take the ingest key rather than the API token. */
const INGEST_PATHS = new Set(['/api/v1/events', '/api/v1/events/batch']);

/**
 * `client.GET('/api/v1/events', { params: { query: { limit: 10 } } })` answers `{ data, error, response }`:
 * `data` when the answer was a success, else `error` (the RFC 9457 problem document, see `Problem`).
 */
export function createDaaluClient(options: DaaluClientOptions): DaaluClient {
  const { apiToken, ingestKey, ...rest } = options;
  const client = createClient<paths>(rest);
  client.use({
    onRequest({ request, schemaPath }) {
      if (request.method === 'POST' && INGEST_PATHS.has(schemaPath)) {
        if (ingestKey) request.headers.set('x-daalu-key', ingestKey);
      } else {
        const token = typeof apiToken === 'function' ? apiToken() : apiToken;
        if (token) request.headers.set('authorization', `Bearer ${token}`);
      }
    },
  });
  return client;
}

type Schemas = components['schemas'];

/** Any schema of the document by its name, for the shapes not named below. */
export type Schema<Name extends keyof Schemas> = Schemas[Name];

/** An RFC 9457 problem document: every error answer. `errors` names each offending field of a 400. */
export type Problem = Schemas['Problem'];
export type FieldError = Schemas['FieldError'];
export type Severity = Schemas['Severity'];

// Tenants and ingest
export type CreatedTenant = Schemas['CreatedTenant'];
export type IngestEvent = Schemas['IngestEvent'];
export type IngestAccepted = Schemas['IngestAccepted'];
export type IngestBatchResult = Schemas['IngestBatchResult'];
export type IngestDetail = Schemas['IngestDetail'];
export type InboundRequest = Schemas['InboundRequest'];
export type RotatedIngestKey = Schemas['RotatedIngestKey'];

// The timeline
export type TimelineEntry = Schemas['TimelineEntry'];
export type TimelinePage = Schemas['TimelinePage'];
export type EventEvaluations = Schemas['EventEvaluations'];

// Alert rules, alerts and change proposals
export type AlertRule = Schemas['AlertRule'];
export type AlertRuleInput = Schemas['AlertRuleInput'];
export type AlertRulePage = Schemas['AlertRulePage'];
export type Match = Schemas['Match'];
export type PayloadCondition = Schemas['PayloadCondition'];
export type Alert = Schemas['Alert'];
/** A change event (deploy.*…) shortly before an alert fired: its context. */
export type AlertContextEvent = Schemas['AlertContextEvent'];
export type AlertPage = Schemas['AlertPage'];
export type Proposal = Schemas['Proposal'];
export type ProposalPage = Schemas['ProposalPage'];

// Outbound webhooks and their deliveries
export type Webhook = Schemas['Webhook'];
export type WebhookInput = Schemas['WebhookInput'];
export type CreatedWebhook = Schemas['CreatedWebhook'];
export type Trigger = Schemas['Trigger'];
export type WebhookDeliveries = Schemas['WebhookDeliveries'];
export type Delivery = Schemas['Delivery'];
export type DeliveryAttempt = Schemas['DeliveryAttempt'];
