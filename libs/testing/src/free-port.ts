import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Below the kernel's ephemeral range (32768 and up on Linux), where no outgoing connection takes a port. */
const BLOCKS_FROM = 12_000;
const BLOCKS_TO = 32_000;
/** How many parallel jest workers get a block of their own (more share blocks, by worker id). */
const BLOCKS = 8;

/**
 * The first of `count` consecutive free ports (the `npm start` launcher gives the apps consecutive
 * ports). Taken below the ephemeral range, where the OS hands out ports to outgoing connections and to
 * `freePort()`, and from a block of its own per jest worker, so that two suites running at once never
 * probe the same ports and then race to bind them.
 */
export async function freeConsecutivePorts(count: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer().once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  const worker = (Number(process.env.JEST_WORKER_ID ?? '1') - 1) % BLOCKS;
  const size = Math.floor((BLOCKS_TO - BLOCKS_FROM) / BLOCKS);
  const blockStart = BLOCKS_FROM + worker * size;
  for (let tries = 0; tries < 1000; tries++) {
    const start = blockStart + Math.floor(Math.random() * (size - count));
    const checks = await Promise.all(Array.from({ length: count }, (_, i) => free(start + i)));
    if (checks.every(Boolean)) return start;
  }
  throw new Error(`no ${count} consecutive free ports in ${blockStart}-${blockStart + size}`);
}
