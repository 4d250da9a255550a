import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export interface RecordedRequest {
  headers: Record<string, string>;
  /** The body as received, cut at a few KiB. */
  body: string;
  truncated: boolean;
}

export interface RecordedResponse {
  headers: Record<string, string>;
  body: unknown;
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
