import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as a receiver got it. */
export interface Received {
  headers: IncomingMessage['headers'];
  /** The exact bytes received: what the signatures must cover. */
  raw: Buffer;
  body: string;
  at: number;
}

/** What the receiver answers: a status, or a status with headers (e.g. Retry-After) and a body ('ok'). */
export type Answer = number | { status: number; headers?: Record<string, string>; body?: Buffer | string };

const open = new Set<Server>();

/** A server of the test's own, closed with the receivers after the suite. */
export function track(server: Server): Server {
  open.add(server);
  return server;
}

/** Closes every receiver still open: also those of a failed test (an open one keeps jest from exiting). */
export function closeReceivers(): void {
  for (const server of open) {
    server.closeAllConnections();
    server.close();
  }
  open.clear();
}

/** A receiver on loopback answering with the answers given, in turn (the last one from then on). */
export async function receiver(answers: Answer[] = [200]) {
  const received: Received[] = [];
  const server = track(
    createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        received.push({ headers: req.headers, raw, body: raw.toString('utf8'), at: Date.now() });
        const answer = answers[Math.min(received.length - 1, answers.length - 1)];
        const { status, headers, body = 'ok' } = typeof answer === 'number' ? { status: answer } : answer;
        res.writeHead(status, headers).end(body);
      });
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const close = () => {
    open.delete(server);
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  };
  return { url, received, close };
}
