import { headers as natsHeaders } from '@nats-io/nats-core';
import type { JsMsg } from '@nats-io/jetstream';
import {
  DeadLetterCodec,
  DeadLetterResolvedCodec,
  HEADER_MSG_ID,
  HEADER_REPLAY_FOR,
  type DeadLetter,
  type DeadLetterResolved,
  type StreamNames,
  type Subjects,
} from '@daalu/contracts';
import type { NatsClient } from './nats-client';

/** A dead letter as kept on the DEAD_LETTERS stream, with its sequence there (what replay and discard take). */
export interface StoredDeadLetter {
  seq: number;
  letter: DeadLetter;
}

/** Messages read per fetch while scanning the dead-letter stream. */
const SCAN_BATCH = 1000;

/**
 * What operators do with messages a consumer set aside: list the open ones, replay one after a fix, or
 * discard it. A replay re-publishes the original bytes and headers on the original subject, addressed to
 * the consumer that set it aside (HEADER_REPLAY_FOR): that consumer applies it in log order like any
 * other message, and every other consumer steps over it. Replays and discards are recorded as
 * `dead-letter-resolved` facts (the stream allows no deletes), which the listing leaves out.
 */
export class DeadLetters {
  constructor(
    private readonly client: NatsClient,
    private readonly streams: StreamNames,
    private readonly subjects: Subjects,
  ) {}

  /** The oldest `limit` open dead letters (of one consumer, or of all). */
  async list(consumer?: string, limit = 100): Promise<StoredDeadLetter[]> {
    const resolved = new Set<number>();
    await this.scan(this.subjects.deadLetterResolved, (msg) => {
      resolved.add(DeadLetterResolvedCodec.decode(msg.data).letterSequence);
      return true;
    });
    const letters: StoredDeadLetter[] = [];
    await this.scan(consumer ? this.subjects.deadLetter(consumer) : this.subjects.allDeadLetters, (msg) => {
      if (!resolved.has(msg.seq)) letters.push({ seq: msg.seq, letter: DeadLetterCodec.decode(msg.data) });
      return letters.length < limit;
    });
    return letters;
  }

  async get(seq: number): Promise<StoredDeadLetter> {
    const stored = await this.client.jsm.streams.getMessage(this.streams.deadLetters, { seq }).catch((error: Error) => {
      if (/no message found/i.test(error.message)) return null;
      throw error;
    });
    if (!stored || !stored.subject.startsWith(this.subjects.allDeadLetters.slice(0, -1)))
      throw new Error(`no dead letter at sequence ${seq}`);
    return { seq, letter: DeadLetterCodec.decode(stored.data) };
  }

  /** Re-publishes the letter's message for its consumer and records that; the message's new stream sequence. */
  async replay(seq: number): Promise<number> {
    const { letter } = await this.get(seq);
    if (letter.stream === this.streams.config)
      // A copy at the end of CONFIG would be applied after later changes to the same aggregate (and kept
      // forever); followers re-read CONFIG from its start at every start, so the fixed version applies it
      // in its place.
      throw new Error(
        `dead letter ${seq} is a configuration fact: do not replay it; after the fix, restart the app (it re-reads ` +
          `the configuration from the start, applying this fact in its place) and discard the letter`,
      );
    const headers = natsHeaders();
    for (const [name, values] of Object.entries(letter.headers)) {
      // The original's id would be deduplicated against it; JetStream's own expectations no longer hold.
      if (name === HEADER_MSG_ID || name.startsWith('Nats-')) continue;
      for (const value of values) headers.append(name, value);
    }
    headers.set(HEADER_REPLAY_FOR, letter.consumer);
    const ack = await this.client.js.publish(letter.subject, Buffer.from(letter.dataBase64, 'base64'), {
      headers,
      // Asked twice within the duplicate window, the replay is on the log once.
      msgID: `replay:${letter.consumer}:${letter.stream}:${letter.streamSequence}`,
    });
    await this.resolve({ letterSequence: seq, consumer: letter.consumer, action: 'replayed', replayedAs: ack.seq });
    return ack.seq;
  }

  async discard(seq: number): Promise<void> {
    const { letter } = await this.get(seq);
    await this.resolve({ letterSequence: seq, consumer: letter.consumer, action: 'discarded' });
  }

  private async resolve(resolution: Omit<DeadLetterResolved, 'schemaVersion' | 'kind' | 'resolvedAt'>): Promise<void> {
    const fact: DeadLetterResolved = {
      schemaVersion: 1,
      kind: 'dead-letter-resolved',
      ...resolution,
      resolvedAt: new Date().toISOString(),
    };
    await this.client.js.publish(this.subjects.deadLetterResolved, DeadLetterResolvedCodec.encode(fact), {
      msgID: `resolved:${resolution.letterSequence}`,
    });
  }

  /** Reads the stream's messages on `subject` in order until the end, or until `take` returns false. */
  private async scan(subject: string, take: (msg: JsMsg) => boolean): Promise<void> {
    const info = await this.client.jsm.streams.info(this.streams.deadLetters, { subjects_filter: subject });
    const count = Object.values(info.state.subjects ?? {}).reduce((sum, n) => sum + n, 0);
    if (count === 0) return;
    const reader = await this.client.js.consumers.get(this.streams.deadLetters, { filter_subjects: subject });
    try {
      for (let seen = 0; seen < count;) {
        const batch = await reader.fetch({ max_messages: Math.min(SCAN_BATCH, count - seen), expires: 2000 });
        let got = 0;
        for await (const msg of batch) {
          got++;
          seen++;
          if (!take(msg)) return;
          if (msg.info.pending === 0) return;
        }
        if (got === 0) return;
      }
    } finally {
      await reader.delete().catch(() => undefined);
    }
  }
}
