import { assertNamespace } from './namespace';

/**
 * The subjects messages are published on. Tenant ids are UUIDs, so they are always one valid subject token.
 *
 *   <ns>.events.<tenantId>              ingested events (stream EVENTS, ages out)
 *   <ns>.alerts.<tenantId>              alert.fired / alert.resolved (stream EVENTS: on the timeline in log order)
 *   <ns>.proposals.<tenantId>.<id>      proposal.created / approved / rejected (stream EVENTS)
 *   <ns>.config.<tenantId>.<aggregate>  configuration facts (stream CONFIG, kept forever)
 *   <ns>.deadletter.<consumer>          messages a consumer terminated as poison (stream DEAD_LETTERS)
 *   <ns>.deadletter-resolved            an operator replayed or discarded a dead letter (stream DEAD_LETTERS)
 *   <ns>.ratelimit.ingest               gateway replicas share rate-limit consumption (core NATS, not stored)
 */
export const CONFIG_AGGREGATES = ['tenant', 'ingest-key', 'api-token', 'alert-rule', 'webhook'] as const;
export type ConfigAggregate = (typeof CONFIG_AGGREGATES)[number];

export interface Subjects {
  namespace: string;
  /** Subject of one tenant's ingested events. */
  event(tenantId: string): string;
  /** Every tenant's ingested events (a consumer filter). */
  allEvents: string;
  /** Subject of one tenant's alert facts. */
  alert(tenantId: string): string;
  allAlerts: string;
  /** Subject of one proposal's facts (its own subject: decisions use expected-last-subject-sequence). */
  proposal(tenantId: string, proposalId: string): string;
  allProposals: string;
  /** Deliveries the outbound dispatcher is to make, per tenant (stream DELIVERIES). */
  delivery(tenantId: string): string;
  allDeliveries: string;
  /** Subject of one configuration aggregate of one tenant: used with expected-last-subject-sequence. */
  config(tenantId: string, aggregate: ConfigAggregate): string;
  /** Every configuration fact of one tenant (a filter: what deleting the tenant purges). */
  tenantConfig(tenantId: string): string;
  /** Every configuration fact of every tenant (a consumer filter). */
  allConfig: string;
  /** Where a consumer records a message it terminated. */
  deadLetter(consumer: string): string;
  allDeadLetters: string;
  /** Where an operator's replay or discard of a dead letter is recorded (letters themselves stay). */
  deadLetterResolved: string;
  /** Core NATS (no stream): ingest gateways tell each other what each tenant consumed. */
  ingestRateLimit: string;
  /** Core NATS (no stream): dispatcher replicas tell each other what each receiver URL got. */
  outboundRateLimit: string;
}

export function subjectsFor(namespace: string): Subjects {
  const ns = assertNamespace(namespace);
  return {
    namespace: ns,
    event: (tenantId) => `${ns}.events.${token(tenantId)}`,
    allEvents: `${ns}.events.*`,
    alert: (tenantId) => `${ns}.alerts.${token(tenantId)}`,
    allAlerts: `${ns}.alerts.*`,
    proposal: (tenantId, proposalId) => `${ns}.proposals.${token(tenantId)}.${token(proposalId)}`,
    allProposals: `${ns}.proposals.>`,
    delivery: (tenantId) => `${ns}.deliveries.${token(tenantId)}`,
    allDeliveries: `${ns}.deliveries.*`,
    config: (tenantId, aggregate) => `${ns}.config.${token(tenantId)}.${aggregate}`,
    tenantConfig: (tenantId) => `${ns}.config.${token(tenantId)}.>`,
    allConfig: `${ns}.config.>`,
    deadLetter: (consumer) => `${ns}.deadletter.${token(consumer)}`,
    allDeadLetters: `${ns}.deadletter.*`,
    deadLetterResolved: `${ns}.deadletter-resolved`,
    ingestRateLimit: `${ns}.ratelimit.ingest`,
    outboundRateLimit: `${ns}.ratelimit.outbound`,
  };
}

/** Refuses anything that would change a subject's shape (wildcards, separators, whitespace). */
function token(value: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(value)) {
    throw new Error(`"${value}" cannot be used as a subject token`);
  }
  return value;
}
