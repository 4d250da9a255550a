import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { allStreamNames, streamNamesFor, subjectsFor, type StreamNames, type Subjects } from '@daalu/contracts';
import {
  checkStreamsAgainstContract,
  MessageContractError,
  suiteAllowance,
  type ContractViolation,
} from './message-contract-check';
import { baseNatsUrl, uniqueSuffix } from './test-env';

export interface CleanupOptions {
  /**
   * Skip the message contract check: only for a suite that publishes bytes outside the contract on
   * purpose (a consumer's handling of garbage).
   */
  allowInvalid?: boolean;
}

export interface TestNats {
  url: string;
  /** A namespace no other suite uses: its own subjects and stream names. */
  namespace: string;
  subjects: Subjects;
  streams: StreamNames;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /**
   * Checks every message on this namespace's streams against the published contract (docs/asyncapi.yaml
   * and docs/schemas/), deletes the streams and closes the connection. A message that broke the contract
   * fails the suite, naming stream, sequence, kind and what is wrong.
   */
  cleanup(options?: CleanupOptions): Promise<void>;
}

/**
 * Contract failures are raised by a hook of the test file's own, after the suite's `afterAll`s: thrown from
 * `cleanup()`, they would skip whatever the suite cleans up after it (its database, its processes).
 */
const failures: Error[] = [];
let failuresReported = false;
const canDefer = deferToEndOfFile();

function deferToEndOfFile(): boolean {
  const afterAll = (globalThis as { afterAll?: (fn: () => void) => void }).afterAll;
  if (typeof afterAll !== 'function') return false;
  try {
    afterAll(() => {
      failuresReported = true;
      const found = failures.splice(0);
      if (found.length === 1) throw found[0];
      if (found.length > 1) throw new Error(found.map((error) => error.message).join('\n\n'));
    });
    return true;
  } catch {
    return false; // imported where hooks cannot be added (inside a test)
  }
}

export async function createTestNats(label: string, url = baseNatsUrl()): Promise<TestNats> {
  const namespace = `t${label
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 16)}${uniqueSuffix()}`;
  const nc = await connect({ servers: url, noAsyncTraces: true, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const streams = streamNamesFor(namespace);
  return {
    url,
    namespace,
    subjects: subjectsFor(namespace),
    streams,
    nc,
    js,
    jsm,
    cleanup: async (options = {}) => {
      const allowance = suiteAllowance();
      const skip = options.allowInvalid || (allowance && !allowance.tolerates) || nc.isClosed();
      let failure: Error | null = null;
      if (!skip) {
        const found = await checkStreamsAgainstContract(js, jsm, namespace, streams).catch((error: Error) => error);
        if (found instanceof Error) failure = found;
        else {
          const violations = found.filter((v: ContractViolation) => !allowance?.tolerates?.(v));
          if (violations.length > 0) failure = new MessageContractError(namespace, violations);
        }
      }
      for (const name of allStreamNames(streams)) await jsm.streams.delete(name).catch(() => undefined);
      await nc.close();
      if (!failure) return;
      if (!canDefer || failuresReported) throw failure;
      failures.push(failure);
    },
  };
}
