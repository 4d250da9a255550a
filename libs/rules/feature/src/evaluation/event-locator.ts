import { Inject, Injectable } from '@nestjs/common';
import { DeliverPolicy } from '@nats-io/jetstream';
import { EventIngestedCodec, type EventIngested, type Subjects } from '@daalu/contracts';
import { NatsClient, STREAM_NAMES, SUBJECTS, type StreamNames } from '@daalu/platform/jetstream';

/** How far around the event's time the log is searched (the gateway's clock and the id's agree closely). */
const SLACK_MS = 10_000;
const MAX_SCANNED = 20_000;
const TIMEOUT_MS = 5_000;
/** How far ahead of this server's clock an event's time may be (another server's clock may run ahead). */
export const FUTURE_SLACK_MS = 60 * 60 * 1000;

/** The time a UUIDv7 carries (its first 48 bits, epoch ms), or undefined for another version. */
export function timeOfUuidV7(id: string): number | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) return undefined;
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

/**
 * Finds one ingested event of a tenant on the log, by id, around a time: an ordered consumer on the
 * tenant's subject from a few seconds before, read until the id turns up or the time is well past.
 * The evaluator keeps no copy of events; the log is where they are.
 */
@Injectable()
export class EventLocator {
  constructor(
    private readonly client: NatsClient,
    @Inject(STREAM_NAMES) private readonly streams: StreamNames,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
  ) {}

  async find(tenantId: string, eventId: string, around: number): Promise<EventIngested | null> {
    // No event was received at such a time, and JetStream cannot be asked to start there.
    if (!Number.isFinite(around) || around < 0 || around > Date.now() + FUTURE_SLACK_MS) return null;
    const consumer = await this.client.js.consumers.get(this.streams.events, {
      filter_subjects: this.subjects.event(tenantId),
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(Math.max(0, around - SLACK_MS)).toISOString(),
    });
    const deadline = Date.now() + TIMEOUT_MS;
    let scanned = 0;
    while (Date.now() < deadline && scanned < MAX_SCANNED) {
      const pending = (await consumer.info()).num_pending;
      const batch = await consumer.fetch({ max_messages: Math.min(Math.max(pending, 1), 500), expires: 1000 });
      let got = 0;
      for await (const msg of batch) {
        got++;
        scanned++;
        const event = EventIngestedCodec.decode(msg.data);
        if (event.id === eventId) return event;
        // The log's own time for the message (what the start time was chosen by), past the window: not there.
        if (Number(msg.info.timestampNanos) / 1e6 > around + SLACK_MS) return null;
      }
      if (got === 0 || pending === 0) return null;
    }
    return null;
  }
}
