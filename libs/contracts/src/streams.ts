import { subjectsFor } from './subjects';

/**
 * The JetStream streams, as plain data: the platform provisions them from here, and
 * `npm run deploy:nats` writes the same definitions to deploy/nats for operators.
 * Config facts must stay replayable forever (a rebuild would otherwise lose tenants), so the CONFIG
 * stream has no age limit; ingested events age out after the retention period.
 */
export interface StreamDefinition {
  name: string;
  subjects: string[];
  description: string;
  /** Maximum age of a message in seconds; 0 keeps messages forever. */
  maxAgeSeconds: number;
  /** Window in seconds in which a repeated Nats-Msg-Id is dropped as a duplicate. */
  duplicateWindowSeconds: number;
  /** Largest message accepted (a 1 MiB body plus the envelope). */
  maxMessageBytes: number;
}

export interface StreamOptions {
  eventRetentionDays?: number;
}

export const DEFAULT_EVENT_RETENTION_DAYS = 30;
const DAY = 24 * 60 * 60;

export interface StreamNames {
  events: string;
  config: string;
  deadLetters: string;
  /** Work queue of the outbound dispatcher: one message per delivery to make. */
  deliveries: string;
  /** Key-value bucket (its stream is KV_<name>): Idempotency-Key -> event id, 24 h. */
  idempotencyBucket: string;
  /** Key-value bucket: API token id -> when it was last used. */
  tokenUsageBucket: string;
}

export function streamNamesFor(namespace: string): StreamNames {
  const prefix = namespace.toUpperCase().replace(/-/g, '_');
  return {
    events: `${prefix}_EVENTS`,
    config: `${prefix}_CONFIG`,
    deadLetters: `${prefix}_DEAD_LETTERS`,
    deliveries: `${prefix}_DELIVERIES`,
    idempotencyBucket: `${prefix}_IDEMPOTENCY`,
    tokenUsageBucket: `${prefix}_TOKEN_USAGE`,
  };
}

/** Every JetStream stream of a namespace, the key-value bucket's (KV_<bucket>) included. */
export function allStreamNames(names: StreamNames): string[] {
  return [
    names.events,
    names.config,
    names.deadLetters,
    names.deliveries,
    `KV_${names.idempotencyBucket}`,
    `KV_${names.tokenUsageBucket}`,
  ];
}

export function streamDefinitions(namespace: string, options: StreamOptions = {}): StreamDefinition[] {
  const subjects = subjectsFor(namespace);
  const names = streamNamesFor(namespace);
  const retentionDays = options.eventRetentionDays ?? DEFAULT_EVENT_RETENTION_DAYS;
  return [
    {
      name: names.events,
      subjects: [subjects.allEvents, subjects.allAlerts, subjects.allProposals],
      description:
        'Ingested events, alerts and proposals of every tenant (the timeline, in log order); aged out after the retention period.',
      maxAgeSeconds: retentionDays * DAY,
      duplicateWindowSeconds: 2 * 60,
      maxMessageBytes: 2 * 1024 * 1024,
    },
    {
      name: names.config,
      subjects: [subjects.allConfig],
      description: 'Configuration facts (tenants, ingest keys, rules, webhooks); kept forever for replay.',
      maxAgeSeconds: 0,
      duplicateWindowSeconds: 2 * 60,
      maxMessageBytes: 1024 * 1024,
    },
    {
      name: names.deadLetters,
      subjects: [subjects.allDeadLetters, subjects.deadLetterResolved],
      description: 'Messages a consumer terminated as undecodable or unprocessable, with the reason.',
      maxAgeSeconds: 90 * DAY,
      duplicateWindowSeconds: 2 * 60,
      maxMessageBytes: 4 * 1024 * 1024,
    },
    {
      name: names.deliveries,
      subjects: [subjects.allDeliveries],
      description: 'Deliveries the outbound dispatcher is to make (a work queue shared by its replicas).',
      maxAgeSeconds: 2 * DAY,
      duplicateWindowSeconds: 2 * 60,
      maxMessageBytes: 2 * 1024 * 1024,
    },
  ];
}
