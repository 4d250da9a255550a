import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { v7 as uuidv7 } from 'uuid';
import { DeadLetterCodec } from '@daalu/contracts';
import { DeadLetters } from '@daalu/platform/jetstream';
import { eventually } from '@daalu/testing';
import { ProjectionHarness } from './projection-harness';

const tenants = [uuidv7(), uuidv7(), uuidv7()];

describe('ProjectionRunner against real NATS JetStream and PostgreSQL', () => {
  let harness: ProjectionHarness;

  beforeEach(async () => {
    harness = await ProjectionHarness.start('projection');
  });

  afterEach(async () => {
    await harness.stop();
  });

  it('applies every message once, in stream order, with the checkpoint in the same transaction', async () => {
    const ids = await harness.publishEvents(250, tenants);
    const runner = harness.runner();
    runner.start();
    await runner.waitUntilCaughtUp();

    const log = await harness.appliedLog();
    expect(log.map((row) => row.event_id)).toEqual(ids);
    expect(log.map((row) => row.seq)).toEqual([...log.map((row) => row.seq)].sort((a, b) => a - b));
    expect(await harness.checkpoint()).toBe(250);
    // 250 events round-robin over 3 tenants: 84 for the first, 83 for the others.
    expect(await harness.counters()).toEqual({ [tenants[0]]: 84, [tenants[1]]: 83, [tenants[2]]: 83 });
  });

  it('changes nothing when messages are delivered a second time', async () => {
    await harness.publishEvents(120, tenants);
    const first = harness.runner();
    first.start();
    await first.waitUntilCaughtUp();
    await first.stop();
    const before = { log: await harness.appliedLog(), counters: await harness.counters() };

    // Replace the durable consumer by one that delivers the whole stream again, as a redelivery
    // storm or a consumer reset would; its acknowledged floor is 0, below the checkpoint (and its
    // config is the runner's own, so the runner keeps it).
    const { jsm } = harness.client;
    await jsm.consumers.delete(harness.nats.streams.events, 'counting');
    await jsm.consumers.add(harness.nats.streams.events, {
      durable_name: 'counting',
      ack_policy: AckPolicy.All,
      deliver_policy: DeliverPolicy.All,
      filter_subject: harness.nats.subjects.allEvents,
    });
    const skippedBefore = await skippedCount(harness);
    const second = harness.runner();
    second.start();
    await eventually(
      () => skippedCount(harness),
      (n) => n - skippedBefore >= 120,
      { what: 'redeliveries skipped' },
    );

    expect(await harness.appliedLog()).toEqual(before.log);
    expect(await harness.counters()).toEqual(before.counters);
    expect(await harness.checkpoint()).toBe(120);
  });

  it('rebuild drops the projection and reproduces it exactly from the log, reporting progress', async () => {
    await harness.publishEvents(300, tenants);
    const runner = harness.runner();
    runner.start();
    await runner.waitUntilCaughtUp();
    await runner.stop();
    const before = { log: await harness.appliedLog(), counters: await harness.counters() };
    await harness.dataSource.query(`UPDATE counting.tenant_counter SET events = 0`); // drift to be repaired

    const rebuilder = harness.runner();
    const progress: Array<{ applied: number; total: number }> = [];
    await rebuilder.rebuild((status) => progress.push({ applied: status.applied, total: status.total }));

    expect(await harness.appliedLog()).toEqual(before.log);
    expect(await harness.counters()).toEqual(before.counters);
    expect(progress.at(-1)).toEqual({ applied: 300, total: 300 });
  });

  it('recovers from a failed batch without losing or reordering anything', async () => {
    const ids = await harness.publishEvents(200, tenants);
    const projection = harness.projection();
    projection.failOnceAt.add(77);
    projection.failOnceAt.add(150);
    const runner = harness.runner(projection, { batchSize: 20 });
    runner.start();
    await runner.waitUntilCaughtUp();
    await eventually(
      () => harness.checkpoint(),
      (seq) => seq === 200,
      { what: 'checkpoint at 200' },
    );

    expect((await harness.appliedLog()).map((row) => row.event_id)).toEqual(ids);
    expect(projection.failOnceAt.size).toBe(0);
  });

  it('dead-letters a poison message with its reason and keeps going', async () => {
    await harness.publishEvents(10, tenants);
    await harness.publisher.publishBytes(
      harness.nats.subjects.event(tenants[0]),
      Buffer.from('{"not":"an event"}'),
      uuidv7(),
    );
    const later = await harness.publishEvents(10, tenants);
    const runner = harness.runner();
    runner.start();
    await runner.waitUntilCaughtUp();

    const log = await harness.appliedLog();
    expect(log).toHaveLength(20);
    expect(log.slice(10).map((row) => row.event_id)).toEqual(later);
    expect(await harness.checkpoint()).toBe(21);

    const letter = await harness.client.jsm.streams.getMessage(harness.nats.streams.deadLetters, { seq: 1 });
    const decoded = DeadLetterCodec.decode(letter!.data);
    expect(decoded).toMatchObject({
      consumer: 'counting',
      streamSequence: 11,
      subject: harness.nats.subjects.event(tenants[0]),
    });
    expect(decoded.reason).toMatch(/event\.ingested/);
    expect(Buffer.from(decoded.dataBase64, 'base64').toString()).toBe('{"not":"an event"}');
  });

  it('sets aside a message PostgreSQL refuses, alone, and applies everything around it', async () => {
    const ids = await harness.publishEvents(100, tenants);
    const projection = harness.projection();
    projection.poisonAt.add(37);
    const runner = harness.runner(projection, { batchSize: 20 });
    runner.start();
    await runner.waitUntilCaughtUp();
    await eventually(
      () => harness.checkpoint(),
      (seq) => seq === 100,
      { what: 'checkpoint past the poison message, at 100' },
    );

    // Everything but the poison message, in order, once: the other 19 of its batch too.
    expect((await harness.appliedLog()).map((row) => row.event_id)).toEqual(ids.filter((_, i) => i !== 36));
    const letter = await harness.client.jsm.streams.getMessage(harness.nats.streams.deadLetters, { seq: 1 });
    const decoded = DeadLetterCodec.decode(letter!.data);
    expect(decoded).toMatchObject({ consumer: 'counting', streamSequence: 37 });
    expect(decoded.reason).toMatch(/^could not be applied: .*(invalid byte sequence|0x00)/);
    const metrics = await harness.metrics.registry.getSingleMetricAsString('daalu_messages_handled_total');
    expect(metrics).toMatch(/consumer="counting",outcome="dead_lettered"[^\n]* 1$/m);
    expect(runner.status).toMatchObject({ caughtUp: true, stalled: false, lastSequence: 100 });

    // After a fix, the operator replays it: the consumer that set it aside applies it, at the end of the log.
    projection.poisonAt.clear();
    const letters = new DeadLetters(harness.client, harness.nats.streams, harness.nats.subjects);
    const [stored] = await letters.list('counting');
    expect(stored.letter.streamSequence).toBe(37);
    expect(await letters.replay(stored.seq)).toBe(101);
    await eventually(
      () => harness.appliedLog(),
      (log) => log.length === 100,
      { what: 'the replayed message applied' },
    );
    expect((await harness.appliedLog()).map((row) => row.event_id)[99]).toBe(ids[36]);
    expect(await letters.list('counting')).toEqual([]);
  });

  it('retries an infrastructure error and sets nothing aside', async () => {
    const ids = await harness.publishEvents(60, tenants);
    const projection = harness.projection();
    projection.failTransientlyAt.add(25);
    const runner = harness.runner(projection, { batchSize: 20 });
    runner.start();
    await runner.waitUntilCaughtUp();
    await eventually(
      () => harness.checkpoint(),
      (seq) => seq === 60,
      { what: 'checkpoint at 60' },
    );
    expect((await harness.appliedLog()).map((row) => row.event_id)).toEqual(ids);
    expect((await harness.client.jsm.streams.info(harness.nats.streams.deadLetters)).state.messages).toBe(0);
  });

  it('reports itself stalled while messages wait and its position does not move, and recovers', async () => {
    await harness.publishEvents(5, tenants);
    const projection = harness.projection();
    const runner = harness.runner(projection, { batchSize: 5, stallAfterMs: 1000 });
    runner.start();
    await runner.waitUntilCaughtUp();
    expect(runner.status.stalled).toBe(false);

    projection.applyDelayMs = 4000; // the next batch hangs
    await harness.publishEvents(5, tenants);
    await eventually(
      async () => runner.status,
      (status) => status.stalled,
      { what: 'stalled', timeoutMs: 4000 },
    );
    const gauge = await harness.metrics.registry.getSingleMetricAsString('daalu_consumer_stalled');
    expect(gauge).toMatch(/consumer="counting"[^\n]* 1$/m);
    projection.applyDelayMs = 0;
    await eventually(
      async () => runner.status,
      (status) => !status.stalled && status.lastSequence === 10,
      { what: 'moving again', timeoutMs: 10_000 },
    );
  });

  it('lets one replica apply while another stands by, and hands over without loss', async () => {
    const first = harness.runner(undefined, {
      client: await harness.connect(),
      dataSource: await harness.openDataSource(),
    });
    const second = harness.runner(undefined, {
      client: await harness.connect(),
      dataSource: await harness.openDataSource(),
    });
    first.start();
    await first.waitUntilCaughtUp();
    second.start();
    await eventually(
      () => second.status.role,
      (role) => role === 'standby',
      { what: 'second replica on standby' },
    );

    const ids = await harness.publishEvents(100, tenants);
    await eventually(
      () => harness.checkpoint(),
      (seq) => seq === 100,
      { what: 'first replica applied' },
    );
    await first.stop();
    const more = await harness.publishEvents(100, tenants);
    await eventually(
      () => harness.checkpoint(),
      (seq) => seq === 200,
      { what: 'second replica took over' },
    );

    expect(second.status.role).toBe('active');
    expect((await harness.appliedLog()).map((row) => row.event_id)).toEqual([...ids, ...more]);
  });
});

async function skippedCount(harness: ProjectionHarness): Promise<number> {
  const metric = await harness.metrics.messagesHandled.get();
  return metric.values
    .filter((value) => value.labels.outcome === 'skipped')
    .reduce((sum, value) => sum + value.value, 0);
}
