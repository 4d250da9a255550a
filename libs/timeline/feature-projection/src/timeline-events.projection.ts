import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager } from 'typeorm';
import { decodeEventStreamFact, type StreamNames } from '@daalu/contracts';
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
import { timelineRowOf, type TimelineFact } from './timeline-rows';
import { TIMELINE_CHANNEL, type TimelineCommitted, type TimelineOptions } from './timeline-options';

const DAY_MS = 86_400_000;
/** A notification lists the tenants of a batch up to this many (PostgreSQL caps a payload at 8000 bytes). */
const MAX_NOTIFIED_TENANTS = 150;

/**
 * Every fact of the EVENTS stream (ingested events, alerts, proposals) of every tenant, onto the timeline: one insert per batch into the day partitions,
 * idempotent by (tenant, time, id), and a notification in the same transaction so live streams wake
 * up exactly when the rows are visible. Events already past retention (a replay of an old log) are
 * skipped: their partition is gone or about to be.
 */
export class TimelineEventsProjection implements Projection<TimelineFact | null> {
  readonly name = TIMELINE_PROJECTION;
  readonly stream: string;
  readonly filterSubject: string;

  constructor(
    streams: StreamNames,
    private readonly partitions: TimelinePartitions,
    private readonly options: TimelineOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.stream = streams.events;
    // Every subject of the stream (events and alerts): one sequence, so live streams resume by it.
    this.filterSubject = '';
  }

  /** By its kind header; a kind this version does not know (a newer app wrote it) is skipped: null. */
  decode(msg: JsMsg): TimelineFact | null {
    return decodeEventStreamFact(msg.headers, msg.data);
  }

  async apply(batch: Sequenced<TimelineFact | null>[], manager: EntityManager): Promise<void> {
    const cutoff = dayOf(this.now()) - this.options.retentionDays * DAY_MS;
    const rows: TimelineRow[] = [];
    const days = new Set<number>();
    const tenants = new Set<string>();
    for (const { seq, message } of batch) {
      if (!message) continue;
      const row = timelineRowOf(message, seq);
      const recordedAt = Date.parse(row.recordedAt);
      if (recordedAt < cutoff) continue;
      days.add(dayOf(recordedAt));
      tenants.add(row.tenantId);
      rows.push(row);
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
