import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { allStreamNames, streamNamesFor, subjectsFor, type StreamNames, type Subjects } from '@daalu/contracts';
import { baseNatsUrl, uniqueSuffix } from './test-env';

export interface TestNats {
  url: string;
  /** A namespace no other suite uses: its own subjects and stream names. */
  namespace: string;
  subjects: Subjects;
  streams: StreamNames;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Deletes this namespace's streams and closes the connection. */
  cleanup(): Promise<void>;
}

export async function createTestNats(label: string, url = baseNatsUrl()): Promise<TestNats> {
  const namespace = `t${label
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 16)}${uniqueSuffix()}`;
  const nc = await connect({ servers: url, noAsyncTraces: true, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  const jsm = await jetstreamManager(nc);
  const streams = streamNamesFor(namespace);
  return {
    url,
    namespace,
    subjects: subjectsFor(namespace),
    streams,
    nc,
    js: jetstream(nc),
    jsm,
    cleanup: async () => {
      for (const name of allStreamNames(streams)) await jsm.streams.delete(name).catch(() => undefined);
      await nc.close();
    },
  };
}
