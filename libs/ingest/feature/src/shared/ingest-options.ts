/** The gateway's settings, read once from its validated config (see apps/ingest-gateway/src/config.ts). */
export interface IngestOptions {
  /** SHA-256 (hex) of each accepted operator token (the tokens themselves are not kept in memory). */
  operatorTokenHashes: string[];
  /** How long a rotated-out ingest key keeps working (s). */
  keyGraceSeconds: number;
  /** Default inbound limit per tenant. */
  ratePerSecond: number;
  rateBurst: number;
  /** How long an Idempotency-Key is remembered (s). */
  idempotencyTtlSeconds: number;
  /** Copies JetStream keeps of the idempotency bucket (DAALU_STREAM_REPLICAS, like the streams). */
  streamReplicas: number;
  /** JetStream must acknowledge within this, or the request gets 503 (ms). */
  publishTimeoutMs: number;
  /** The public ingest URL shown on the detail page. */
  publicUrl: string;
  historyRetentionDays: number;
  /** Identifies this replica in the rate-limit exchange. */
  instanceId: string;
}

export const INGEST_OPTIONS = Symbol('INGEST_OPTIONS');
