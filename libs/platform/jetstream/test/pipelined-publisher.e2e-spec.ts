import { headers as natsHeaders } from '@nats-io/nats-core';
import { streamDefinitions } from '@daalu/contracts';
import { createTestNats, startPrivateNats, testLogger, type TestNats } from '@daalu/testing';
import { NatsClient, PipelinedPublisher, provisionStreams } from '../src';

const msgId = (id: string) => {
  const h = natsHeaders();
  h.set('Nats-Msg-Id', id);
  return h;
};

describe('PipelinedPublisher against real JetStream', () => {
  let nats: TestNats;
  let client: NatsClient;
  let publisher: PipelinedPublisher;

  beforeEach(async () => {
    nats = await createTestNats('pipeline');
    client = await NatsClient.connect({ servers: nats.url, name: 'pipeline-test', logger: testLogger() });
    await provisionStreams(client.jsm, streamDefinitions(nats.namespace), testLogger());
    publisher = new PipelinedPublisher(client.nc, 1000);
  });

  afterEach(async () => {
    publisher.close();
    await client.drain();
    await nats.cleanup();
  });

  it('resolves each publish with its own stream sequence, many in flight at once', async () => {
    const subject = nats.subjects.event('tenant-a');
    const acks = await Promise.all(
      Array.from({ length: 500 }, (_, i) => publisher.publish(subject, Buffer.from(`m${i}`), msgId(`id-${i}`))),
    );
    expect(acks.map((ack) => ack.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    const stored = await client.jsm.streams.getMessage(nats.streams.events, { seq: 123 });
    expect(stored!.string()).toBe('m122');
    expect(publisher.inFlight).toBe(0);
  });

  it('reports a repeated Nats-Msg-Id as a duplicate of the stored message', async () => {
    const subject = nats.subjects.event('tenant-a');
    const first = await publisher.publish(subject, Buffer.from('x'), msgId('same'));
    const again = await publisher.publish(subject, Buffer.from('x'), msgId('same'));
    expect(again).toMatchObject({ seq: first.seq, duplicate: true });
  });

  it('rejects at once when no stream takes the subject', async () => {
    const started = Date.now();
    await expect(publisher.publish(`${nats.namespace}.nowhere`, Buffer.from('x'), msgId('n'))).rejects.toThrow(
      /no responders/,
    );
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('rejects within its timeout when NATS is gone, never resolving a message that was not stored', async () => {
    const server = await startPrivateNats();
    const privateClient = await NatsClient.connect({
      servers: server.url,
      name: 'pipeline-outage',
      logger: testLogger(),
    });
    try {
      await provisionStreams(privateClient.jsm, streamDefinitions('outage'), testLogger());
      const outagePublisher = new PipelinedPublisher(privateClient.nc, 400);
      await outagePublisher.publish('outage.events.t', Buffer.from('ok'), msgId('1'));
      await server.stop();
      const started = Date.now();
      await expect(outagePublisher.publish('outage.events.t', Buffer.from('lost'), msgId('2'))).rejects.toThrow(
        /did not acknowledge in time/,
      );
      expect(Date.now() - started).toBeLessThan(1000);
      outagePublisher.close();
    } finally {
      await privateClient.nc.close();
      await server.destroy();
    }
  });
});
