import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager } from 'typeorm';
import { EventIngestedCodec, type EventIngested, type StreamNames, type Subjects } from '@daalu/contracts';
import type { Projection, Sequenced } from '@daalu/platform/projection';
import {
  dayOf,
  deferIndexes,
  insertTimelineRows,
  restoreIndexes,
  TIMELINE_PROJECTION,
  TimelinePartitions,
  type TimelineRow,
} from '@daalu/timeline/data-access';
import { TIMELINE_CHANNEL, type TimelineCommitted, type TimelineOptions } from './timeline-options';

const DAY_MS = 86_400_000;
/** A notification lists the tenants of a batch up to this many (PostgreSQL caps a payload at 8000 bytes). */
const MAX_NOTIFIED_TENANTS = 150;

/**
 * Ingested events of every tenant, onto the timeline: one insert per batch into the day partitions,
 * idempotent by (tenant, time, id), and a notification in the same transaction so live streams wake
 * up exactly when the rows are visible. Events already past retention (a replay of an old log) are
 * skipped: their partition is gone or about to be.
 */
export class TimelineEventsProjection implements Projection<EventIngested> {
  readonly name = TIMELINE_PROJECTION;
  readonly stream: string;
  readonly filterSubject: string;

  constructor(
    streams: StreamNames,
    subjects: Subjects,
    private readonly partitions: TimelinePartitions,
    private readonly options: TimelineOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.stream = streams.events;
    this.filterSubject = subjects.allEvents;
  }

  decode(msg: JsMsg): EventIngested {
    return EventIngestedCodec.decode(msg.data);
  }

  async apply(batch: Sequenced<EventIngested>[], manager: EntityManager): Promise<void> {
    const cutoff = dayOf(this.now()) - this.options.retentionDays * DAY_MS;
    const rows: TimelineRow[] = [];
    const days = new Set<number>();
    const tenants = new Set<string>();
    for (const { seq, message } of batch) {
      const recordedAt = Date.parse(message.receivedAt);
      if (recordedAt < cutoff) continue;
      days.add(dayOf(recordedAt));
      tenants.add(message.tenantId);
      rows.push({
        tenantId: message.tenantId,
        recordedAt: message.receivedAt,
        id: message.id,
        kind: 'event',
        type: message.type,
        module: message.module,
        source: message.source,
        summary: message.summary,
        severity: message.severity,
        payload: message.payload,
        refId: null,
        correlationId: message.correlationId,
        streamSeq: seq,
      });
    }
    if (rows.length === 0) return;
    await this.partitions.ensure(manager, days);
    await insertTimelineRows(manager, rows);
    const committed: TimelineCommitted = {
      sequence: batch[batch.length - 1].seq,
      ...(tenants.size <= MAX_NOTIFIED_TENANTS ? { tenants: [...tenants] } : {}),
    };
    await manager.query(`SELECT pg_notify($1, $2)`, [TIMELINE_CHANNEL, JSON.stringify(committed)]);
  }

  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE timeline_entry`);
  }

  /** A replay inserts faster with the primary key alone; the other indexes are built once at the end. */
  async beforeReplay(manager: EntityManager): Promise<void> {
    await deferIndexes(manager, 'timeline_entry');
  }

  async afterReplay(manager: EntityManager): Promise<void> {
    await restoreIndexes(manager, 'timeline_entry');
  }
}
