import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Child } from './child';
import { adminQuery, benchDatabaseUrl } from './database';
import { namespaceStreams, waitReady } from './stack';
import { freePort, HOST, log, natsUrl, withTimeout } from './util';

/**
 * What a benchmark of the real apps needs, made and cleaned up in one place: its own namespace (streams)
 * and database, a NATS connection, and the apps as child processes with production settings.
 * `cleanup` undoes everything in reverse order (also on Ctrl-C).
 */
export class BenchStack {
  readonly operatorToken = randomBytes(24).toString('hex');
  readonly env: Record<string, string>;
  private readonly cleanups: Array<{ what: string; run: () => Promise<unknown> }> = [];

  private constructor(
    readonly name: string,
    readonly namespace: string,
    readonly databaseUrl: string,
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
  ) {
    this.env = {
      DATABASE_URL: databaseUrl,
      NATS_URL: natsUrl,
      DAALU_NAMESPACE: namespace,
      HOST,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      DAALU_OPERATOR_TOKEN: this.operatorToken,
      DAALU_SECRET_KEY: randomBytes(32).toString('hex'),
    };
  }

  static async open(name: string, prefix: string): Promise<BenchStack> {
    const hex = randomBytes(3).toString('hex');
    const namespace = `${prefix}${hex}`;
    const dbName = `daalu_${prefix}_${hex}`;
    const urls = benchDatabaseUrl(dbName);
    const nc = await connect({ servers: natsUrl.split(','), noAsyncTraces: true });
    const jsm = await jetstreamManager(nc);
    const stack = new BenchStack(name, namespace, urls.bench, nc, jsm);
    stack.onCleanup('closing the NATS connection', () => nc.close());
    stack.onCleanup(`deleting the ${namespace} streams`, async () => {
      for (const stream of await namespaceStreams(jsm, namespace)) await jsm.streams.delete(stream);
    });
    await adminQuery(urls.admin, `CREATE DATABASE "${dbName}"`);
    stack.onCleanup(`dropping database ${dbName}`, () =>
      adminQuery(urls.admin, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`),
    );
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        log(`${name}: ${signal}; cleaning up`);
        void stack.cleanup().finally(() => process.exit(130));
      });
    }
    log(`${name}: namespace ${namespace}, database ${dbName}`);
    return stack;
  }

  onCleanup(what: string, run: () => Promise<unknown>): void {
    this.cleanups.push({ what, run });
  }

  /** Starts an app (its built main.js) on a free port (in `portVariable`) and waits until it is ready. */
  async start(
    label: string,
    main: string,
    extraEnv: Record<string, string> = {},
    portVariable = 'PORT',
  ): Promise<{ child: Child; url: string; port: number }> {
    const port = await freePort();
    const child = new Child(label, main, { ...this.env, [portVariable]: String(port), ...extraEnv });
    this.onCleanup(`stopping ${label}`, () => child.stop(15_000));
    const url = `http://${HOST}:${port}`;
    await waitReady(child, url, 60_000);
    return { child, url, port };
  }

  async cleanup(): Promise<void> {
    for (const step of this.cleanups.reverse()) {
      await withTimeout(step.run(), 60_000, step.what).catch((error: Error) =>
        log(`cleanup: ${step.what} failed: ${error.message}`),
      );
    }
    this.cleanups.length = 0;
  }
}
