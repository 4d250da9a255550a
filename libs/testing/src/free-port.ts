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

/** The first of `count` consecutive free ports (the `npm start` launcher gives the apps consecutive ports). */
export async function freeConsecutivePorts(count: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer().once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const start = ((await freePort()) % 50_000) + 10_000;
    const checks = await Promise.all(Array.from({ length: count }, (_, i) => free(start + i)));
    if (checks.every(Boolean)) return start;
  }
}
