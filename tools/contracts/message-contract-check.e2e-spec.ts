import { headers as natsHeaders } from '@nats-io/nats-core';
import {
  DeadLetterCodec,
  EventIngestedCodec,
  HEADER_KIND,
  streamDefinitions,
  TenantCreatedCodec,
  type DeadLetter,
} from '@daalu/contracts';
import { anIngestedEvent, aTenantCreated } from '@daalu/contracts/testing';
import { JetStreamPublisher, provisionStreams } from '@daalu/platform/jetstream';
import {
  checkStreamsAgainstContract,
  createTestNats,
  MessageContractError,
  testLogger,
  type TestNats,
} from '@daalu/testing';

const TENANT = '0194f3a2-7c1e-7a00-8000-000000000001';

/** What the e2e suites' `cleanup()` does with the messages they leave on the log. */
describe('the message contract check of test namespaces', () => {
  let nats: TestNats;
  let publisher: JetStreamPublisher;

  beforeEach(async () => {
    nats = await createTestNats('contract');
    await provisionStreams(nats.jsm, streamDefinitions(nats.namespace), testLogger());
    publisher = new JetStreamPublisher(nats.js);
  });

  async function publishValid(): Promise<void> {
    const event = anIngestedEvent(TENANT);
    await publisher.publish(nats.subjects.event(TENANT), EventIngestedCodec, event);
    const tenant = aTenantCreated();
    await publisher.publish(nats.subjects.config(tenant.tenantId, 'tenant'), TenantCreatedCodec, tenant);
    // Dead letters carry no Daalu-Kind: their subject tells the kind.
    const letter: DeadLetter = {
      schemaVersion: 1,
      kind: 'dead-letter',
      consumer: 'timeline-events',
      stream: nats.streams.events,
      streamSequence: 1,
      subject: nats.subjects.event(TENANT),
      reason: 'could not be applied: test',
      deliveryCount: 1,
      recordedAt: new Date().toISOString(),
      headers: {},
      dataBase64: '',
    };
    await publisher.publishBytes(nats.subjects.deadLetter('timeline-events'), DeadLetterCodec.encode(letter), 'l1');
  }

  it('passes a namespace whose messages keep to the contract, many of them quickly', async () => {
    await publishValid();
    // 2,000 messages, 200 in flight at a time: all at once, a busy machine's JetStream can take longer
    // than a publish's timeout to acknowledge the last of them.
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from({ length: 200 }, () =>
          publisher.publish(nats.subjects.event(TENANT), EventIngestedCodec, anIngestedEvent(TENANT)),
        ),
      );
    }
    const started = Date.now();
    await nats.cleanup();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('names stream, sequence, kind and what is wrong of each message that breaks it', async () => {
    await publishValid();
    const bad = { ...anIngestedEvent(TENANT), severity: 'loud' } as never;
    await publisher.publish(nats.subjects.event(TENANT), EventIngestedCodec, bad);
    const noKind = natsHeaders();
    await publisher.publishBytes(nats.subjects.event(TENANT), Buffer.from('{}'), 'no-kind', {}, noKind);
    const wrongChannel = aTenantCreated({ tenantId: TENANT });
    await publisher.publish(nats.subjects.alert(TENANT), TenantCreatedCodec, wrongChannel);
    const notJson = natsHeaders();
    notJson.set(HEADER_KIND, 'tenant.created');
    await publisher.publishBytes(nats.subjects.config(TENANT, 'tenant'), Buffer.from('{'), 'not-json', {}, notJson);

    const violations = await checkStreamsAgainstContract(nats.js, nats.jsm, nats.namespace, nats.streams);
    expect(violations.map(({ stream, seq, kind }) => ({ stream, seq, kind }))).toEqual([
      { stream: nats.streams.events, seq: 2, kind: 'event.ingested' },
      { stream: nats.streams.events, seq: 3, kind: null },
      { stream: nats.streams.events, seq: 4, kind: 'tenant.created' },
      { stream: nats.streams.config, seq: 2, kind: 'tenant.created' },
    ]);
    const message = new MessageContractError(nats.namespace, violations).message;
    expect(message).toMatch(/^4 message\(s\) on namespace /);
    expect(message).toContain(
      `${nats.streams.events} #2 ${nats.subjects.event(TENANT)} kind event.ingested: /severity must be equal to one of the allowed values`,
    );
    // Without a kind, the body is still checked against what the subject carries.
    expect(message).toContain(
      `${nats.streams.events} #3 ${nats.subjects.event(TENANT)} kind (none): no Daalu-Kind header; / must have required property`,
    );
    expect(message).toContain('kind tenant.created: kind "tenant.created" is not published on channel alerts');
    expect(message).toContain(
      `${nats.streams.config} #2 ${nats.subjects.config(TENANT, 'tenant')} kind tenant.created: not JSON`,
    );

    await nats.cleanup({ allowInvalid: true });
    const after = await createTestNats('contractafter');
    try {
      await expect(after.jsm.streams.info(nats.streams.events)).rejects.toThrow(/not found/);
    } finally {
      await after.cleanup();
    }
  });

  it('lets a suite that publishes garbage on purpose opt out', async () => {
    await publisher.publishBytes(nats.subjects.event(TENANT), Buffer.from('garbage'), 'g1');
    await expect(nats.cleanup({ allowInvalid: true })).resolves.toBeUndefined();
  });
});
