import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as the receiver got it. */
export interface Receipt {
  /** The `webhook-id` header: the delivery id, the same on every retry of one delivery. */
  webhookId: string;
  /** The delivered fact's id (`data.id` of the default body): for an event, the event id. */
  factId?: string;
  at: number;
  bytes: number;
}

/**
 * A webhook receiver on loopback that counts deliveries by `webhook-id` and answers every POST with
 * `status` and `body` (a body with a NUL byte, for instance), after `delayMs` (a receiver that takes
 * its time keeps deliveries in flight, for a kill to catch).
 */
export async function countingReceiver(answer: { status?: number; body?: string | Buffer; delayMs?: number } = {}) {
  const receipts: Receipt[] = [];
  const byFact = new Map<string, Receipt[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let factId: string | undefined;
      try {
        const parsed = JSON.parse(raw.toString('utf8')) as { data?: { id?: unknown } };
        if (typeof parsed?.data?.id === 'string') factId = parsed.data.id;
      } catch {
        // a templated or odd body: counted by webhook-id only
      }
      const receipt: Receipt = {
        webhookId: String(req.headers['webhook-id'] ?? ''),
        factId,
        at: Date.now(),
        bytes: raw.length,
      };
      receipts.push(receipt);
      if (factId) byFact.set(factId, [...(byFact.get(factId) ?? []), receipt]);
      const reply = () =>
        res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain' }).end(answer.body ?? 'ok');
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    receipts,
    /** Every POST received for one fact (retries and duplicates included). */
    forFact: (factId: string): Receipt[] => byFact.get(factId) ?? [],
    /** When the last POST arrived (0: none yet). */
    lastAt: () => receipts.at(-1)?.at ?? 0,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type CountingReceiver = Awaited<ReturnType<typeof countingReceiver>>;
