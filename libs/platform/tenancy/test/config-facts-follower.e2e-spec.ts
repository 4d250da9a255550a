import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { DeadLetterCodec, HEADER_KIND, streamDefinitions, TenantCreatedCodec, type ConfigFact } from '@daalu/contracts';
import { aTenantCreated } from '@daalu/contracts/testing';
import {
  DeadLetterRecorder,
  DeadLetters,
  JetStreamPublisher,
  NatsClient,
  provisionStreams,
  STALL_AFTER_MS,
  STREAM_NAMES,
  type StreamNames,
} from '@daalu/platform/jetstream';
import { LOGGER, Metrics, Readiness, type Logger } from '@daalu/platform/observability';
import { createTestNats, eventually, testLogger, type TestNats } from '@daalu/testing';
import { ConfigFactsFollower } from '../src';

/** A follower that keeps tenant names, and cannot take a tenant named "boom" (as a bug would). */
@Injectable()
class TenantNames extends ConfigFactsFollower {
  readonly names: string[] = [];

  constructor(
    client: NatsClient,
    @Inject(STREAM_NAMES) streams: StreamNames,
    @Inject(LOGGER) logger: Logger,
    readiness: Readiness,
  ) {
    super('tenant-names', client, streams, logger, readiness);
  }

  protected apply(fact: ConfigFact): void {
    if (fact.kind !== 'tenant.created') return;
    if (fact.name === 'boom') throw new TypeError('cannot read properties of undefined (reading "boom")');
    this.names.push(fact.name);
  }
}

describe('ConfigFactsFollower: one fact it cannot take costs only itself', () => {
  let nats: TestNats;
  let client: NatsClient;
  const logger = testLogger();

  beforeAll(async () => {
    nats = await createTestNats('follower');
    client = await NatsClient.connect({ servers: nats.url, name: 'follower-test', logger });
    await provisionStreams(client.jsm, streamDefinitions(nats.namespace), logger);
  });

  afterAll(async () => {
    await client.drain();
    await nats.cleanup();
  });

  it('dead-letters the fact with the reason, counts it, and applies every fact after it', async () => {
    const publisher = new JetStreamPublisher(client.js);
    for (const name of ['first', 'boom', 'last']) {
      const fact = aTenantCreated({ name });
      await publisher.publish(nats.subjects.config(fact.tenantId, 'tenant'), TenantCreatedCodec, fact);
    }
    // Not even a decodable fact: the follower steps over it the same way.
    const broken = natsHeaders();
    broken.set(HEADER_KIND, 'tenant.created');
    await publisher.publishBytes(
      nats.subjects.config(aTenantCreated().tenantId, 'tenant'),
      Buffer.from('{'),
      'x',
      {},
      broken,
    );

    @Module({
      providers: [
        { provide: NatsClient, useValue: client },
        { provide: STREAM_NAMES, useValue: nats.streams },
        { provide: LOGGER, useValue: logger },
        { provide: STALL_AFTER_MS, useValue: 1000 },
        Readiness,
        { provide: Metrics, useValue: new Metrics('follower-test') },
        {
          provide: DeadLetterRecorder,
          useValue: new DeadLetterRecorder(publisher, nats.subjects, logger),
        },
        TenantNames,
      ],
    })
    class FollowerModule {}
    const app = await NestFactory.createApplicationContext(FollowerModule, { logger: false });
    try {
      const follower = app.get(TenantNames);
      await follower.untilCaughtUp();
      expect(follower.names).toEqual(['first', 'last']);
      expect((await app.get(Readiness).evaluate()).ready).toBe(true);

      const recorded = await eventually(
        async () => (await client.jsm.streams.info(nats.streams.deadLetters)).state.messages,
        (count) => count === 2,
        { what: 'two dead letters' },
      );
      expect(recorded).toBe(2);
      const first = DeadLetterCodec.decode(
        (await client.jsm.streams.getMessage(nats.streams.deadLetters, { seq: 1 }))!.data,
      );
      expect(first).toMatchObject({ consumer: 'tenant-names', streamSequence: 2 });
      expect(first.reason).toMatch(/^could not be applied: cannot read properties/);
      const counted = await app.get(Metrics).registry.getSingleMetricAsString('daalu_messages_handled_total');
      expect(counted).toMatch(/consumer="tenant-names",outcome="dead_lettered"[^\n]* 2$/m);

      // A configuration fact is not replayed (a copy at the end would undo later changes): it is discarded
      // once the fixed follower has applied it in its place at its next start.
      const letters = new DeadLetters(client, nats.streams, nats.subjects);
      await expect(letters.replay(1)).rejects.toThrow(/configuration fact: do not replay it/);
      await letters.discard(1);
      expect((await letters.list('tenant-names')).map((l) => l.seq)).toEqual([2]);
    } finally {
      await app.close();
    }
  });
});
