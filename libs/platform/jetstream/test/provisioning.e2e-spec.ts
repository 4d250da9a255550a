import { nanos } from '@nats-io/nats-core';
import { EventIngestedCodec, streamDefinitions } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { createTestNats, testLogger, type TestNats } from '@daalu/testing';
import { JetStreamPublisher, NatsClient, provisionStreams } from '../src';

describe('stream provisioning and publishing', () => {
  let nats: TestNats;
  let client: NatsClient;
  const logger = testLogger();

  beforeEach(async () => {
    nats = await createTestNats('provision');
    client = await NatsClient.connect({ servers: nats.url, name: 'provision-test', logger });
  });

  afterEach(async () => {
    await client.drain();
    await nats.cleanup();
  });

  it('is idempotent and brings a stream back to its definition', async () => {
    await provisionStreams(client.jsm, streamDefinitions(nats.namespace), logger);
    await provisionStreams(client.jsm, streamDefinitions(nats.namespace), logger);
    const events = await client.jsm.streams.info(nats.streams.events);
    expect(events.config.max_age).toBe(nanos(30 * 86_400_000));
    expect((await client.jsm.streams.info(nats.streams.config)).config.max_age).toBe(0);

    await provisionStreams(client.jsm, streamDefinitions(nats.namespace, { eventRetentionDays: 7 }), logger);
    expect((await client.jsm.streams.info(nats.streams.events)).config.max_age).toBe(nanos(7 * 86_400_000));
  });

  it('stores a message once when the same id is published twice (Nats-Msg-Id dedup)', async () => {
    await provisionStreams(client.jsm, streamDefinitions(nats.namespace), logger);
    const publisher = new JetStreamPublisher(client.js);
    const event = anIngestedEvent('0194f3a2-7c1e-7a00-8000-000000000001');
    const subject = nats.subjects.event(event.tenantId);
    const first = await publisher.publish(subject, EventIngestedCodec, event);
    const second = await publisher.publish(subject, EventIngestedCodec, event);
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, seq: first.seq });
    expect((await client.jsm.streams.info(nats.streams.events)).state.messages).toBe(1);
  });

  it('fails a publish with optimistic concurrency when the subject moved on', async () => {
    await provisionStreams(client.jsm, streamDefinitions(nats.namespace), logger);
    const publisher = new JetStreamPublisher(client.js);
    const subject = nats.subjects.config('0194f3a2-7c1e-7a00-8000-000000000001', 'tenant');
    await publisher.publishBytes(subject, Buffer.from('{}'), 'a', { expectLastSubjectSequence: 0 });
    await expect(
      publisher.publishBytes(subject, Buffer.from('{}'), 'b', { expectLastSubjectSequence: 0 }),
    ).rejects.toThrow(/publish to .* failed/);
  });
});
