import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One entry of a tenant's timeline. Owned by the timeline projector alone (schema `timeline`). */
@Entity({ name: 'timeline_event' })
@Index('timeline_event_tenant_received', ['tenantId', 'receivedAt'])
export class TimelineEvent {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text')
  type: string;

  @Column('text')
  module: string;

  @Column('text')
  source: string;

  @Column('text')
  summary: string;

  @Column('text')
  severity: string;

  @Column('jsonb')
  payload: Record<string, unknown>;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt: Date;

  /** The stream sequence it was applied from: ties every row to its fact on the log. */
  @Column('bigint', { name: 'stream_seq' })
  streamSeq: string;

  @Column('text', { name: 'correlation_id' })
  correlationId: string;
}
