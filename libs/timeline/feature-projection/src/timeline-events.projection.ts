import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager } from 'typeorm';
import { decodeEventStreamFact, type StreamNames } from '@daalu/contracts';
import type { BatchContext, Projection, Sequenced } from '@daalu/platform/projection';
import {
  dayOf,
  deferIndexes,
  insertTimelineRows,
  KnownEventTypes,
  restoreIndexes,
  tallyEventTypes,
  TIMELINE_PROJECTION,
  TimelinePartitions,
  type TimelineRow,
  upsertEventTypes,
} from '@daalu/timeline/data-access';
import { timelineRowOf, type TimelineFact } from './timeline-rows';
import { TIMELINE_CHANNEL, type TimelineCommitted, type TimelineOptions } from './timeline-options';

const DAY_MS = 86_400_000;
/** A notification lists the tenants of a batch up to this many (PostgreSQL caps a payload at 8000 bytes). */
const MAX_NOTIFIED_TENANTS = 150;

/**
 * Every fact of the EVENTS stream (ingested events, alerts, proposals) of every tenant, onto the timeline: one insert per batch into the day partitions,
 * idempotent by (tenant, time, id), then the event-type catalog (one upsert), and a notification in the
 * same transaction so live streams wake up exactly when the rows are visible. Events already past
 * retention (a replay of an old log) are skipped: their partition is gone or about to be.
 */
export class TimelineEventsProjection implements Projection<TimelineFact | null> {
  readonly name = TIMELINE_PROJECTION;
  readonly stream: string;
  readonly filterSubject: string;
  /** The catalog's types this applier has seen, valid while it goes on from where it left (`leftAt`). */
  private readonly knownTypes = new KnownEventTypes();
  private leftAt?: number;

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

  async apply(batch: Sequenced<TimelineFact | null>[], manager: EntityManager, context: BatchContext): Promise<void> {
    // What it knows of the catalog holds only if nothing else moved the position since its last batch.
    if (context.checkpoint !== this.leftAt) this.knownTypes.clear();
    this.leftAt = undefined;
    const today = dayOf(this.now());
    const cutoff = today - this.options.retentionDays * DAY_MS;
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
    if (rows.length > 0) {
      await this.partitions.ensure(manager, days);
      const added = await insertTimelineRows(manager, rows);
      // The event-type catalog, counted by the rows really added: an event delivered twice counts once,
      // as it shows once. A type whose latest day is after the cutoff's has not been purged since.
      const knownSince = new Date(cutoff + DAY_MS).toISOString().slice(0, 10);
      await upsertEventTypes(manager, tallyEventTypes(added), this.knownTypes, knownSince);
      const committed: TimelineCommitted = {
        sequence: batch[batch.length - 1].seq,
        ...(tenants.size <= MAX_NOTIFIED_TENANTS ? { tenants: [...tenants] } : {}),
      };
      await manager.query(`SELECT pg_notify($1, $2)`, [TIMELINE_CHANNEL, JSON.stringify(committed)]);
    }
    this.leftAt = context.nextCheckpoint;
  }

  /** The timeline and the event-type catalog it keeps go together: a replay fills both again. */
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE timeline_entry, event_type_day, event_type_refused`);
  }

  /** A replay inserts faster with the primary key alone; the other indexes are built once at the end. */
  async beforeReplay(manager: EntityManager): Promise<void> {
    await deferIndexes(manager, 'timeline_entry');
  }

  async afterReplay(manager: EntityManager): Promise<void> {
    await restoreIndexes(manager, 'timeline_entry');
  }
}
