import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findNatsServer, NatsServerProcess } from '@daalu/dev/local-services';
import { freePort } from './free-port';

/**
 * A nats-server of this test's own (random port, temporary store), so that the test can stop and start
 * it without disturbing other suites that share the machine's NATS. `maxPayload` defaults to what
 * Daalu's own servers take (4 MiB); give NATS's default (1 MiB) to test a server set up without it.
 */
export async function startPrivateNats(
  options: { maxPayload?: number } = {},
): Promise<NatsServerProcess & { destroy(): Promise<void> }> {
  const binary = findNatsServer();
  if (!binary) throw new Error('this test needs a nats-server binary on the PATH (apt-get install nats-server)');
  const dir = mkdtempSync(join(tmpdir(), 'daalu-nats-'));
  const server = new NatsServerProcess(binary, await freePort(), dir, options.maxPayload);
  await server.start();
  return Object.assign(server, {
    destroy: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
