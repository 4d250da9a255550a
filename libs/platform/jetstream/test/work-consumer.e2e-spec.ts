import { headers as natsHeaders } from '@nats-io/nats-core';
import type { JsMsg } from '@nats-io/jetstream';
import { DeadLetterCodec, HEADER_REPLAY_FOR, streamDefinitions } from '@daalu/contracts';
import { Metrics, Readiness } from '@daalu/platform/observability';
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

  it('retries an infrastructure error past the tries a poison message gets: nak and retry, never drop', async () => {
    let calls = 0;
    startWorker(async () => {
      calls++;
      if (calls < 5) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      return ack();
    });
    await publish('x', 'm1');
    await eventually(
      () => calls,
      (n) => n === 5,
      { what: 'fifth attempt', timeoutMs: 20_000 },
    );
    await eventually(
      () => client.jsm.consumers.info(nats.streams.events, 'worker'),
      (i) => i.num_ack_pending === 0,
      { what: 'acked' },
    );
    expect((await client.jsm.streams.info(nats.streams.deadLetters)).state.messages).toBe(0);
  });

  it('sets aside a message whose handler keeps throwing on it, and goes on with the others', async () => {
    const seen: string[] = [];
    startWorker(async (msg) => {
      seen.push(`${msg.string()}#${msg.info.deliveryCount}`);
      if (msg.string() === 'poison') throw new RangeError('Invalid string length');
      return ack();
    });
    await publish('poison', 'm1');
    await publish('fine', 'm2');
    await eventually(
      () => client.jsm.consumers.info(nats.streams.events, 'worker'),
      (i) => i.num_ack_pending === 0 && i.ack_floor.stream_seq === 2,
      { what: 'both decided', timeoutMs: 20_000 },
    );
    expect(seen.filter((s) => s.startsWith('poison'))).toEqual(['poison#1', 'poison#2', 'poison#3']);
    expect(seen).toContain('fine#1');
    const letter = DeadLetterCodec.decode(
      (await client.jsm.streams.getMessage(nats.streams.deadLetters, { seq: 1 }))!.data,
    );
    expect(letter).toMatchObject({ consumer: 'worker', streamSequence: 1 });
    expect(letter.reason).toBe('failed 3 times: Invalid string length');
  });

  it('steps over a replayed dead letter addressed to another consumer', async () => {
    const seen: string[] = [];
    startWorker(async (msg) => {
      seen.push(msg.string());
      return ack();
    });
    const forOther = natsHeaders();
    forOther.set(HEADER_REPLAY_FOR, 'another-consumer');
    await publisher.publishBytes(nats.subjects.event('tenant-a'), Buffer.from('not mine'), 'r1', {}, forOther);
    const forMe = natsHeaders();
    forMe.set(HEADER_REPLAY_FOR, 'worker');
    await publisher.publishBytes(nats.subjects.event('tenant-a'), Buffer.from('mine'), 'r2', {}, forMe);
    await eventually(
      () => client.jsm.consumers.info(nats.streams.events, 'worker'),
      (i) => i.num_ack_pending === 0 && i.ack_floor.stream_seq === 2,
      { what: 'both acked' },
    );
    expect(seen).toEqual(['mine']);
  });

  it('turns not ready while messages wait and none finishes', async () => {
    const metrics = new Metrics('work-test');
    const readiness = new Readiness();
    let release!: () => void;
    const hang = new Promise<void>((resolve) => (release = resolve));
    const worker = new WorkConsumer(
      client,
      {
        stream: nats.streams.events,
        durable: 'worker',
        maxInFlight: 1,
        stallAfterMs: 1000,
        handle: async () => {
          await hang;
          return ack();
        },
      },
      new DeadLetterRecorder(publisher, nats.subjects, logger),
      metrics,
      logger,
      readiness,
    );
    worker.start();
    workers.push(worker);
    for (let i = 0; i < 3; i++) await publish(`m${i}`, `s${i}`);
    const stalled = await eventually(
      () => readiness.evaluate(),
      (result) => !result.ready,
      { what: 'not ready', timeoutMs: 5000 },
    );
    expect(stalled.checks['consumer worker'].detail).toMatch(/stalled/);
    release();
    await eventually(
      () => readiness.evaluate(),
      (result) => result.ready,
      { what: 'ready again', timeoutMs: 5000 },
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
