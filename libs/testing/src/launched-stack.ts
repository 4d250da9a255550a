import { startProcess, type AppProcess } from './app-process';
import { freeConsecutivePorts, freePort } from './free-port';
import { createTestDatabase, type TestDatabase } from './test-database';
import { createTestNats, type TestNats } from './test-nats';

/** The whole stack as `npm start` runs it (after the build), on a database and namespace of its own. */
export interface LaunchedStack {
  /** The origin: `http://127.0.0.1:<port>`, the one door. */
  baseUrl: string;
  db: TestDatabase;
  nats: TestNats;
  launcher: AppProcess;
  /** Ctrl-C, as a user stops it (every app drains and exits; killed after 15 s), then cleans up. */
  stop(): Promise<void>;
}

/**
 * Starts `tools/dev/start.js` (every app behind the origin) for one suite: its own database and NATS
 * namespace, the apps on free ports, `env` on top (the operator token, `DAALU_OUTBOUND_ALLOW`…).
 * Resolves once the launcher says the stack is up.
 */
export async function launchStack(label: string, env: Record<string, string>): Promise<LaunchedStack> {
  const db = await createTestDatabase(label);
  const nats = await createTestNats(label);
  const originPort = await freePort();
  const launcher = startProcess('tools/dev/start.js', [], {
    DATABASE_URL: db.url,
    NATS_URL: nats.url,
    DAALU_NAMESPACE: nats.namespace,
    DAALU_PORT: String(originPort),
    DAALU_APP_PORTS_FROM: String(await freeConsecutivePorts(4)),
    ...env,
  });
  const stop = async () => {
    if (launcher.child.exitCode === null) {
      launcher.child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([launcher.exited, new Promise((resolve) => (timer = setTimeout(resolve, 15_000)))]);
      clearTimeout(timer);
      await launcher.stop('SIGKILL');
    }
    await nats.cleanup();
    await db.drop();
  };
  try {
    await launcher.waitForLine(/Press Ctrl-C to stop/, 120_000);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return { baseUrl: `http://127.0.0.1:${originPort}`, db, nats, launcher, stop };
}
