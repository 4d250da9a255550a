import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A webhook receiver for the benchmarks: any URL path (`url(i)` gives `/hook/<i>`), 204 at once, and
 * the time each event id arrived (a single delivery's `data.id`, or each item of a batch's).
 */
export async function startReceiver() {
  const receipts = new Map<string, number>();
  let count = 0;
  let events = 0;
  let first = 0;
  let last = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const now = performance.now();
      count++;
      if (count === 1) first = now;
      last = now;
      try {
        type Item = { data?: { id?: string } };
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Item | Item[];
        // A batch is an array of single bodies.
        for (const item of Array.isArray(body) ? body : [body]) {
          events++;
          if (item.data?.id) receipts.set(item.data.id, now);
        }
      } catch {
        // the baseline's bodies are the same shape; anything else is not counted as an event
      }
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (i: number) => `http://127.0.0.1:${port}/hook/${i}`,
    receipts,
    stats: () => ({ count, events, first, last }),
    reset: () => {
      receipts.clear();
      count = 0;
      events = 0;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
