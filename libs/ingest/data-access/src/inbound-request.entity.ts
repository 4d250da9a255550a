import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export interface RecordedRequest {
  headers: Record<string, string>;
  /** The body as received, cut at a few KiB. */
  body: string;
  truncated: boolean;
}

export interface RecordedResponse {
  headers: Record<string, string>;
  /** The JSON the gateway answered; the text cut at a few KiB when it was longer (then `truncated`). */
  body: unknown;
  truncated?: boolean;
}

/**
 * Rejected requests of one status that were counted but not stored (past the first few of a minute),
 * over a span of time: "and 50,000 more 429s".
 */
export interface SuppressedRequests {
  status: number;
  count: number;
  /** The first and the last of them (ISO 8601). */
  from: string;
  to: string;
}

/** One POST to the ingest endpoint, for the webhook detail page (the key is never stored). */
@Entity({ name: 'inbound_request' })
export class InboundRequest {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt: Date;

  @Column('text')
  method: string;

  @Column('text')
  path: string;

  @Column('smallint')
  status: number;

  @Column('real', { name: 'duration_ms' })
  durationMs: number;

  @Column('uuid', { name: 'event_ids', array: true })
  eventIds: string[];

  /** JSON text of a RecordedRequest. */
  @Column('text')
  request: string;

  /** JSON text of a RecordedResponse. */
  @Column('text')
  response: string;
}
