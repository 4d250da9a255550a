import { headers as natsHeaders } from '@nats-io/nats-core';
import type { JsMsg } from '@nats-io/jetstream';
import { DeadLetterCodec, streamDefinitions } from '@daalu/contracts';
import { Metrics } from '@daalu/platform/observability';
import { createTestNats, eventually, testLogger, type TestNats } from '@daalu/testing';
import {
  ack,
  DeadLetterRecorder,
  JetStreamPublisher,
  nak,
  NatsClient,
  provisionConsumer,
  provisionStreams,
  term,
  WorkConsumer,
  type Decision,
} from '../src';

describe('WorkConsumer against real NATS JetStream', () => {
  let nats: TestNats;
  let client: NatsClient;
  let publisher: JetStreamPublisher;
  const logger = testLogger();
  const workers: WorkConsumer[] = [];

  beforeEach(async () => {
    nats = await createTestNats('work');
    client = await NatsClient.connect({ servers: nats.url, name: 'work-test', logger });
    await provisionStreams(client.jsm, streamDefinitions(nats.namespace), logger);
    await provisionConsumer(client.jsm, {
      stream: nats.streams.events,
      durable: 'worker',
      filterSubject: nats.subjects.allEvents,
      description: 'test worker',
      maxAckPending: 100,
      ackWaitMs: 30_000,
    });
    publisher = new JetStreamPublisher(client.js);
  });

  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.stop();
    await client.drain();
    await nats.cleanup();
  });

  function startWorker(handle: (msg: JsMsg) => Promise<Decision>, maxInFlight = 4) {
    const metrics = new Metrics('work-test');
    const worker = new WorkConsumer(
      client,
      { stream: nats.streams.events, durable: 'worker', maxInFlight, handle },
      new DeadLetterRecorder(publisher, nats.subjects, logger),
      metrics,
      logger,
    );
    worker.start();
    workers.push(worker);
    return worker;
  }

  async function publish(body: string, id: string) {
    await publisher.publishBytes(nats.subjects.event('tenant-a'), Buffer.from(body), id, {}, natsHeaders());
  }

  it('acks handled messages, redelivers a nak after its delay, and dead-letters a terminated one', async () => {
    const seen: string[] = [];
    startWorker(async (msg) => {
      const body = msg.string();
      seen.push(`${body}#${msg.info.deliveryCount}`);
      if (body === 'flaky' && msg.info.deliveryCount === 1) return nak(300, 'receiver down');
      if (body === 'poison') return term('cannot be parsed');
      return ack();
    });
    await publish('ok', 'm1');
    await publish('flaky', 'm2');
    await publish('poison', 'm3');

    await eventually(() => seen.includes('flaky#2'), Boolean, { what: 'flaky redelivered' });
    const info = await eventually(
      () => client.jsm.consumers.info(nats.streams.events, 'worker'),
      (i) => i.num_ack_pending === 0 && i.num_pending === 0,
      { what: 'all decided' },
    );
    expect(info.ack_floor.stream_seq).toBe(3);
    expect(seen.filter((s) => s.startsWith('ok'))).toEqual(['ok#1']);
    expect(seen.filter((s) => s.startsWith('poison'))).toEqual(['poison#1']);

    const letter = DeadLetterCodec.decode(
      (await client.jsm.streams.getMessage(nats.streams.deadLetters, { seq: 1 }))!.data,
    );
    expect(letter).toMatchObject({ consumer: 'worker', streamSequence: 3, reason: 'cannot be parsed' });
    expect(Buffer.from(letter.dataBase64, 'base64').toString()).toBe('poison');
  });

  it('treats a thrown error as an infrastructure failure: nak and retry, never drop', async () => {
    let calls = 0;
    startWorker(async () => {
      calls++;
      if (calls < 3) throw new Error('database unavailable');
      return ack();
    });
    await publish('x', 'm1');
    await eventually(
      () => calls,
      (n) => n === 3,
      { what: 'third attempt', timeoutMs: 20_000 },
    );
    await eventually(
      () => client.jsm.consumers.info(nats.streams.events, 'worker'),
      (i) => i.num_ack_pending === 0,
      { what: 'acked' },
    );
  });

  it('never has more than maxInFlight messages in its handler at once', async () => {
    let current = 0;
    let peak = 0;
    startWorker(async () => {
      current++;
      peak = Math.max(peak, current);
      await new Promise((r) => setTimeout(r, 20));
      current--;
      return ack();
    }, 3);
    for (let i = 0; i < 30; i++) await publish(`m${i}`, `id${i}`);
    await eventually(
      () => client.jsm.consumers.info(nats.streams.events, 'worker'),
      (i) => i.ack_floor.stream_seq === 30,
      { what: 'all acked' },
    );
    expect(peak).toBe(3);
  });
});
