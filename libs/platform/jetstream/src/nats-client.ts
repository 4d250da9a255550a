import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { sleep } from './backoff';

export interface NatsClientOptions {
  servers: string;
  /** Shown in the server's connection list, e.g. `ingest-gateway`. */
  name: string;
  logger: Logger;
  /** Time a JetStream API call or publish may take before it fails (ms). */
  requestTimeoutMs?: number;
}

type ReconnectListener = () => void;

/**
 * One NATS connection per app, shared by publishers and consumers. It reconnects forever after a NATS
 * restart (the app does not restart) and tells interested parties when it did, so that ordered
 * projections can re-position themselves.
 */
export class NatsClient {
  private readonly reconnectListeners = new Set<ReconnectListener>();
  private connected = true;

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    private readonly logger: Logger,
  ) {
    void this.watchStatus();
  }

  /** Connects, retrying every second (with a log line) until NATS answers or `signal` aborts. */
  static async connect(options: NatsClientOptions, signal?: AbortSignal): Promise<NatsClient> {
    const { logger } = options;
    const timeout = options.requestTimeoutMs ?? 5000;
    for (let attempt = 1; ; attempt++) {
      try {
        const nc = await connect({
          servers: options.servers.split(','),
          name: options.name,
          // Async stack traces cost about half of the publish throughput; our errors carry context instead.
          noAsyncTraces: true,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 250,
          reconnectJitter: 100,
          pingInterval: 10_000,
          timeout: 3000,
        });
        logger.info({ server: nc.getServer(), version: nc.info?.version }, 'connected to NATS');
        const jsm = await jetstreamManager(nc, { timeout });
        return new NatsClient(nc, jetstream(nc, { timeout }), jsm, logger);
      } catch (error) {
        if (signal?.aborted) throw error;
        logger.warn({ err: error, servers: options.servers, attempt }, 'NATS is not reachable yet; retrying in 1 s');
        await sleep(1000, signal);
      }
    }
  }

  get isConnected(): boolean {
    return this.connected && !this.nc.isClosed();
  }

  /** The largest message (payload and headers) the connected server takes; NATS's default is 1 MiB. */
  get maxPayload(): number | undefined {
    return this.nc.info?.max_payload;
  }

  onReconnect(listener: ReconnectListener): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** Checks the server answers a JetStream API call (used by readiness). */
  async ping(): Promise<void> {
    await this.jsm.getAccountInfo();
  }

  /** Lets in-flight publishes and subscriptions finish, then closes. */
  async drain(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.drain().catch(() => this.nc.close());
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      switch (status.type) {
        case 'disconnect':
          this.connected = false;
          this.logger.warn({ server: status.server }, 'disconnected from NATS; reconnecting');
          break;
        case 'reconnect':
          this.connected = true;
          this.logger.info({ server: status.server }, 'reconnected to NATS');
          for (const listener of this.reconnectListeners) listener();
          break;
        case 'error':
          this.logger.error({ err: status.error }, 'NATS connection error');
          break;
        case 'slowConsumer':
          this.logger.warn(
            { sub: status.sub?.getSubject() },
            'NATS slow consumer: messages were dropped by the client',
          );
          for (const listener of this.reconnectListeners) listener();
          break;
        default:
          break;
      }
    }
  }
}
