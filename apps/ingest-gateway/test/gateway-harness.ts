import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { CreatedTenant } from '@daalu/client';
import { PAGE_EXAMPLE_ENVELOPE } from '@daalu/contracts/testing';
import { loadConfig } from '@daalu/platform/config';
import { createApp } from '@daalu/platform/app';
import { createLogger } from '@daalu/platform/observability';
import { Clock, configureIngestHttp } from '@daalu/ingest/feature';
import { createTestDatabase, createTestNats, type TestDatabase, type TestNats } from '@daalu/testing';
import { AppModule } from '../src/app.module';
import { IngestGatewayConfig } from '../src/config';

export const OPERATOR_TOKEN = 'test-operator-token-0123456789';

export interface Gateway {
  app: NestFastifyApplication;
  url: string;
  /** Moves the gateway's time: `offsetMs` from now, or stopped at `frozenAt` (epoch ms). */
  clock: { offsetMs: number; frozenAt?: number };
  close(): Promise<void>;
}

export type { CreatedTenant };

/**
 * Gateways in this test process against a real database and NATS namespace, with every log line
 * captured (to search it for secrets) and a clock the test can move forward.
 */
export class GatewayHarness {
  readonly logs: string[] = [];
  readonly gateways: Gateway[] = [];

  private constructor(
    readonly db: TestDatabase,
    readonly nats: TestNats,
  ) {}

  static async create(label: string, natsUrl?: string): Promise<GatewayHarness> {
    return new GatewayHarness(await createTestDatabase(label), await createTestNats(label, natsUrl));
  }

  async start(env: Record<string, string> = {}): Promise<Gateway> {
    const config = loadConfig(IngestGatewayConfig, {
      DATABASE_URL: this.db.url,
      NATS_URL: this.nats.url,
      DAALU_NAMESPACE: this.nats.namespace,
      DAALU_OPERATOR_TOKEN: OPERATOR_TOKEN,
      LOG_LEVEL: 'debug',
      ...env,
    });
    const logs = this.logs;
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('ingest-gateway', 'debug', sink);
    const app = await createApp(AppModule.forRoot(config, logger), { logger, configure: configureIngestHttp });
    const clock: Gateway['clock'] = { offsetMs: 0 };
    const realClock = app.get(Clock);
    realClock.now = () => clock.frozenAt ?? Date.now() + clock.offsetMs;
    await app.listen({ port: 0, host: '127.0.0.1' });
    const gateway = { app, url: await app.getUrl(), clock, close: () => app.close() };
    this.gateways.push(gateway);
    return gateway;
  }

  async createTenant(gateway: Gateway, name = 'acme'): Promise<CreatedTenant> {
    const response = await fetch(`${gateway.url}/api/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    if (response.status !== 201) throw new Error(`tenant not created: ${response.status} ${await response.text()}`);
    return (await response.json()) as CreatedTenant;
  }

  /** Every message on this namespace's event stream, decoded. */
  async storedEvents(): Promise<Array<Record<string, unknown>>> {
    const { jsm, streams } = this.nats;
    const info = await jsm.streams.info(streams.events);
    const events: Array<Record<string, unknown>> = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const message = await jsm.streams.getMessage(streams.events, { seq }).catch(() => null);
      if (message) events.push(message.json());
    }
    return events;
  }

  async stop(): Promise<void> {
    for (const gateway of this.gateways) await gateway.close().catch(() => undefined);
    await this.nats.cleanup();
    await this.db.drop();
  }
}

export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

/** The worked example of docs/product.md, unchanged. */
export const PAGE_EXAMPLE = PAGE_EXAMPLE_ENVELOPE;
