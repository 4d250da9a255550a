import { streamDefinitions } from '@daalu/contracts';
import { createTestDatabase, createTestNats, testLogger, type TestDatabase, type TestNats } from '@daalu/testing';
import { provisionStreams } from '../src';

/** A suite's own database and NATS namespace with the streams provisioned, as the apps expect them. */
export async function appTestServices(label: string): Promise<{ db: TestDatabase; nats: TestNats }> {
  const db = await createTestDatabase(label);
  const nats = await createTestNats(label.replace(/[^a-z0-9]/gi, ''));
  await provisionStreams(nats.jsm, streamDefinitions(nats.namespace), testLogger());
  return { db, nats };
}

/** The environment every app process of a suite needs to find its database and namespace. */
export function appEnv(db: TestDatabase, nats: TestNats): Record<string, string> {
  return { DATABASE_URL: db.url, NATS_URL: nats.url, DAALU_NAMESPACE: nats.namespace, HOST: '127.0.0.1' };
}
