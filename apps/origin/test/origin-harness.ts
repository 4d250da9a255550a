import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@daalu/platform/config';
import pino from 'pino';
// Apps export no library; the origin's own tests reach into its source.
import { OriginConfig } from '../src/config';
import { buildOriginServer, type OriginServer } from '../src/origin-server';

/** What a fake app saw of one request. */
export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  bytes: number;
}

/** A plain node:http server on a loopback port standing in for one app. */
export interface FakeApp {
  url: string;
  port: number;
  server: Server;
  seen: Seen[];
  close(): Promise<void>;
}

/** The event streams a fake app holds open (a heartbeat every 15 s, as the timeline's). */
function holdStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  res.write('retry: 2000\nid: 0\n\n');
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  res.on('close', () => clearInterval(heartbeat));
}

/**
 * A fake app: holds GET /api/v1/events/stream open as an event stream, reads every other request's
 * body to the end (as the real apps do) and lets `answer` answer, by default a 202 JSON naming the
 * bytes it got.
 */
export async function fakeApp(
  answer?: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void,
  port = 0,
): Promise<FakeApp> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    if (req.method === 'GET' && req.url?.startsWith('/api/v1/events/stream')) {
      seen.push({ method: req.method, url: req.url, headers: req.headers, bytes: 0 });
      return holdStream(res);
    }
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      const record = { method: req.method!, url: req.url!, headers: req.headers, bytes };
      seen.push(record);
      if (answer) return answer(req, res, record);
      const body = JSON.stringify({ bytes });
      res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    server,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The real origin (buildOriginServer) on a loopback port, with every app at `apps` (or one for all). */
export async function startOrigin(
  apps: { gateway: string; timeline?: string; rules?: string; outbound?: string },
  settings: Record<string, string> = {},
): Promise<{ origin: OriginServer; url: string; port: number; close(): Promise<void> }> {
  // As main.ts reads it: validated, so a test cannot run an origin the environment could not configure.
  const config = loadConfig(OriginConfig, {
    DAALU_GATEWAY_URL: apps.gateway,
    DAALU_TIMELINE_URL: apps.timeline ?? apps.gateway,
    DAALU_RULES_URL: apps.rules ?? apps.gateway,
    DAALU_OUTBOUND_URL: apps.outbound ?? apps.gateway,
    DAALU_CONSOLE_DIR: '/nonexistent',
    ...settings,
  });
  const origin = await buildOriginServer(config, pino({ enabled: false }));
  await origin.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (origin.app.server.address() as AddressInfo).port;
  return { origin, url: `http://127.0.0.1:${port}`, port, close: () => origin.app.close() };
}

/** One answer as a raw HTTP client sees it. */
export interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  /** The body as UTF-8 text. */
  body: string;
  /** The body's bytes as they came (still compressed, if they were). */
  raw: Buffer;
}

/**
 * A request with node:http, sending `body` as given: with its Content-Length, or chunked (no
 * Content-Length) when `chunked`. Resolves with the answer even when the server answers before the
 * body is all sent, and after the body was cut off.
 */
export function send(
  url: string,
  options: {
    method?: string;
    path: string;
    body?: Buffer;
    chunked?: boolean;
    headers?: Record<string, string>;
    localAddress?: string;
  },
): Promise<Answer> {
  const target = new URL(options.path, url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.body && !options.chunked) headers['content-length'] = String(options.body.length);
    const req = httpRequest(
      {
        method: options.method ?? 'POST',
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        headers,
        agent: false,
        localAddress: options.localAddress,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({ status: res.statusCode!, headers: res.headers, body: raw.toString('utf8'), raw });
        });
        res.on('error', reject);
      },
    );
    // The server may answer (413) and close while the body is still going: the answer is what counts.
    req.on('error', (error) => setTimeout(() => reject(error), 200));
    if (options.body) {
      if (options.chunked) {
        for (let at = 0; at < options.body.length; at += 64 * 1024)
          req.write(options.body.subarray(at, at + 64 * 1024));
        req.end();
      } else req.end(options.body);
    } else req.end();
  });
}

/** The given percentile (0..100) of `samples`, in the same unit. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
