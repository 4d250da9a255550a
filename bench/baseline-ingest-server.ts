/**
 * The floor `npm run bench:ingest` compares the ingest gateway with: a bare `node:http` server that does
 * only what ingest cannot avoid (read and parse the body, stamp an id, publish to JetStream with an
 * awaited ack) and nothing else: no framework, no auth, no validation, no rate limit, no database.
 *
 *   PORT=0 NATS_URL=nats://127.0.0.1:4222 DAALU_NAMESPACE=bench1a2b3c node dist/bench/baseline-ingest-server.js
 *
 * Prints `listening <port>` on stdout once the streams exist and the socket is bound.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { assertNamespace, streamDefinitions, subjectsFor } from '@daalu/contracts';
import { provisionStreams } from '@daalu/platform/jetstream';
import { createLogger } from '@daalu/platform/observability';
import { v7 as uuidv7 } from 'uuid';

/** Every baseline event belongs to this one tenant: the baseline does no key lookup. */
const TENANT_ID = '01900000-0000-7000-8000-00000000b45e';
const MAX_BODY_BYTES = 2 * 1024 * 1024;

const natsUrl = process.env.NATS_URL || 'nats://127.0.0.1:4222';
const namespace = assertNamespace(process.env.DAALU_NAMESPACE || 'daalu');
const port = Number(process.env.PORT || 0);
const host = process.env.HOST || '127.0.0.1';
const logger = createLogger('baseline-ingest-server', 'warn');

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function main(): Promise<void> {
  // A bare server uses the client as it comes (async traces on) unless BASELINE_NO_ASYNC_TRACES=true.
  const noAsyncTraces = process.env.BASELINE_NO_ASYNC_TRACES === 'true';
  const nc = await connect({ servers: natsUrl.split(','), noAsyncTraces, name: 'bench-baseline-ingest' });
  const jsm = await jetstreamManager(nc);
  await provisionStreams(jsm, streamDefinitions(namespace), logger);
  const js = jetstream(nc, { timeout: 5000 });
  const subject = subjectsFor(namespace).event(TENANT_ID);

  const publish = async (envelope: Record<string, unknown>): Promise<string> => {
    const id = uuidv7();
    const message = { ...envelope, id, tenantId: TENANT_ID, receivedAt: new Date().toISOString() };
    await js.publish(subject, Buffer.from(JSON.stringify(message)), { msgID: id });
    return id;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method === 'GET' && (path === '/health/ready' || path === '/health/live')) {
      send(res, 200, { status: 'ready' });
      return;
    }
    if (req.method !== 'POST' || (path !== '/api/v1/events' && path !== '/api/v1/events/batch')) {
      req.resume();
      send(res, 404, { error: 'not found' });
      return;
    }
    const body = parseJson(await readBody(req));
    if (path === '/api/v1/events') {
      if (!isObject(body)) throw new HttpError(400, 'expected one event object');
      send(res, 202, { id: await publish(body) });
      return;
    }
    if (!Array.isArray(body) || !body.every(isObject)) throw new HttpError(400, 'expected an array of event objects');
    const ids = await Promise.all(body.map((envelope) => publish(envelope)));
    send(res, 202, { ids });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return;
      if (error instanceof HttpError) {
        res.shouldKeepAlive = error.status !== 413;
        send(res, error.status, { error: error.message });
        return;
      }
      logger.warn({ err: error }, 'publish failed');
      send(res, 503, { error: 'publish failed' });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  process.stdout.write(`listening ${bound}\n`);

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(1), 5000).unref();
    server.close();
    server.closeAllConnections();
    nc.drain().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'baseline ingest server failed to start');
  process.exit(1);
});
