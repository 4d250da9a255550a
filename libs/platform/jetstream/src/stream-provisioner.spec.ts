import type { StreamConfig } from '@nats-io/jetstream';
import { streamDefinitions } from '@daalu/contracts';
import { hasDrifted, toStreamConfig } from './stream-provisioner';

const events = streamDefinitions('daalu').find((definition) => definition.name === 'DAALU_EVENTS')!;

describe('stream replicas', () => {
  it('asks JetStream for one copy unless told otherwise', () => {
    expect(toStreamConfig(events).num_replicas).toBe(1);
  });

  it('asks for the configured number of copies (3 on a NATS cluster)', () => {
    expect(toStreamConfig(events, 3).num_replicas).toBe(3);
  });

  it('brings an existing single-copy stream to 3 copies when the setting changes', () => {
    const existing = toStreamConfig(events, 1) as StreamConfig;
    expect(hasDrifted(existing, toStreamConfig(events, 1))).toBe(false);
    expect(hasDrifted(existing, toStreamConfig(events, 3))).toBe(true);
  });
});
