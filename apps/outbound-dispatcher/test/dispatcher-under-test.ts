import { JetStreamPublisher } from '@daalu/platform/jetstream';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  type AppProcess,
  aTenantWithApiToken,
  freePort,
  startReadyProcess,
  type TestDatabase,
  type TestNats,
} from '@daalu/testing';
import { closeReceivers } from './loopback-receiver';

const SCRIPT = 'apps/outbound-dispatcher/src/main.js';

/** A dispatcher process of a suite's own, on its own database and namespace, with a tenant to use it. */
export interface DispatcherUnderTest {
  db: TestDatabase;
  nats: TestNats;
  app: AppProcess;
  /** Its HTTP base URL. */
  base: string;
  /** For facts a test writes onto the log itself. */
  publisher: JetStreamPublisher;
  tenant: { id: string; auth: { authorization: string } };
  /** Closes the receivers, stops the process, drops the database and the streams. */
  stop(): Promise<void>;
}

/**
 * Starts the dispatcher for a suite (`suite` names its database and namespace) with loopback receivers
 * allowed and the given settings (`DAALU_SECRET_KEY`, retry timing …), and waits until it is ready.
 */
export async function startDispatcher(suite: string, env: Record<string, string>): Promise<DispatcherUnderTest> {
  const { db, nats } = await appTestServices(suite);
  const publisher = new JetStreamPublisher(nats.js);
  const tenant = await aTenantWithApiToken(nats);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = await startReadyProcess(
    SCRIPT,
    { ...appEnv(db, nats), PORT: String(port), DAALU_OUTBOUND_ALLOW: '127.0.0.0/8', ...env },
    base,
  );
  return {
    db,
    nats,
    app,
    base,
    publisher,
    tenant,
    async stop() {
      // Every receiver, also those of a failed test (an open one would keep jest from exiting).
      closeReceivers();
      await app.stop('SIGTERM');
      await nats.cleanup();
      await db.drop();
    },
  };
}
