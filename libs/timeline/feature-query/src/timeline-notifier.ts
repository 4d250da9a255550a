import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { APP_CONFIG } from '@daalu/platform/app';
import type { PlatformConfig } from '@daalu/platform/config';
import { backoffMs, sleep } from '@daalu/platform/jetstream';
import { LOGGER, type Logger } from '@daalu/platform/observability';
import { TIMELINE_CHANNEL, type TimelineCommitted } from '@daalu/timeline/feature-projection';

type Listener = (tenants: ReadonlySet<string> | 'all') => void;

/**
 * Tells live streams when the projection committed new entries: one LISTEN connection per process on
 * the channel the projection notifies in its transaction, so every replica's streams wake whichever
 * replica applied the batch. While the connection is down, listeners are woken every second instead.
 */
@Injectable()
export class TimelineNotifier implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly listeners = new Set<Listener>();
  private readonly abort = new AbortController();
  private client?: Client;
  private loop?: Promise<void>;
  private connected = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: PlatformConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onApplicationBootstrap(): void {
    this.loop = this.run();
    const fallback = setInterval(() => {
      if (!this.connected) this.emit('all');
    }, 1000);
    fallback.unref();
    this.abort.signal.addEventListener('abort', () => clearInterval(fallback));
  }

  async onModuleDestroy(): Promise<void> {
    this.abort.abort();
    await this.client?.end().catch(() => undefined);
    await this.loop;
  }

  private async run(): Promise<void> {
    for (let attempt = 0; !this.abort.signal.aborted; attempt++) {
      try {
        const client = new Client({ connectionString: this.config.DATABASE_URL });
        this.client = client;
        const ended = new Promise<void>((resolve) => {
          client.once('end', resolve);
          client.once('error', (error) => {
            this.logger.warn({ err: error }, 'timeline notifications: connection lost');
            resolve();
          });
        });
        client.on('notification', (message) => this.onNotification(message.payload));
        await client.connect();
        await client.query(`LISTEN ${TIMELINE_CHANNEL}`);
        this.connected = true;
        attempt = 0;
        this.emit('all'); // anything committed while not listening
        await ended;
      } catch (error) {
        if (!this.abort.signal.aborted)
          this.logger.warn({ err: error }, 'timeline notifications: cannot listen; retrying');
      }
      this.connected = false;
      await this.client?.end().catch(() => undefined);
      if (this.abort.signal.aborted) return;
      await sleep(backoffMs(attempt, 200, 5000), this.abort.signal).catch(() => undefined);
    }
  }

  private onNotification(payload: string | undefined): void {
    try {
      const committed = JSON.parse(payload ?? '{}') as TimelineCommitted;
      this.emit(committed.tenants ? new Set(committed.tenants) : 'all');
    } catch {
      this.emit('all');
    }
  }

  private emit(tenants: ReadonlySet<string> | 'all'): void {
    for (const listener of this.listeners) listener(tenants);
  }
}
