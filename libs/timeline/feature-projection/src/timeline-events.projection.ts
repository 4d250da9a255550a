import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager } from 'typeorm';
import { EventIngestedCodec, type EventIngested, type StreamNames, type Subjects } from '@daalu/contracts';
import type { Projection, Sequenced } from '@daalu/platform/projection';
import { TimelineEvent } from '@daalu/timeline/data-access';

/** Ingested events of every tenant, onto the timeline: one multi-row insert per batch, idempotent by id. */
export class TimelineEventsProjection implements Projection<EventIngested> {
  readonly name = 'timeline-events';
  readonly stream: string;
  readonly filterSubject: string;

  constructor(streams: StreamNames, subjects: Subjects) {
    this.stream = streams.events;
    this.filterSubject = subjects.allEvents;
  }

  decode(msg: JsMsg): EventIngested {
    return EventIngestedCodec.decode(msg.data);
  }

  async apply(batch: Sequenced<EventIngested>[], manager: EntityManager): Promise<void> {
    const rows = batch.map(({ seq, message }) => ({
      id: message.id,
      tenantId: message.tenantId,
      type: message.type,
      module: message.module,
      source: message.source,
      summary: message.summary,
      severity: message.severity,
      payload: message.payload as TimelineEvent['payload'] & object,
      receivedAt: new Date(message.receivedAt),
      streamSeq: String(seq),
      correlationId: message.correlationId,
    }));
    await manager.createQueryBuilder().insert().into(TimelineEvent).values(rows).orIgnore().execute();
  }

  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE timeline_event`);
  }
}
