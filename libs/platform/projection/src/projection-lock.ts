import { Client } from 'pg';
import type { Logger } from 'pino';
import { sleep } from '@daalu/platform/jetstream';

/**
 * One active applier per projection across all replicas: a PostgreSQL session-level advisory lock,
 * held on a dedicated connection. Other replicas stand by and take over when the holder goes away
 * (its connection closes, so PostgreSQL releases the lock).
 */
export class ProjectionLock {
  private client?: Client;
  private lost = false;
  private acquired = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly key: string,
    private readonly logger: Logger,
    private readonly onLost: () => void,
  ) {}

  get held(): boolean {
    return this.client !== undefined && this.acquired && !this.lost;
  }

  /** Waits until the lock is ours; returns false if `signal` aborted first. */
  async acquire(signal: AbortSignal, onStandby: () => void): Promise<boolean> {
    if (this.held) return true;
    await this.release();
    const client = new Client({ connectionString: this.databaseUrl, application_name: `lock:${this.key}` });
    client.on('error', (error) => this.markLost(error));
    client.on('end', () => this.markLost(new Error('lock connection ended')));
    await client.connect();
    this.client = client;
    this.lost = false;
    let announced = false;
    while (!signal.aborted) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
        this.key,
      ]);
      if (rows[0].locked) {
        this.acquired = true;
        return true;
      }
      if (!announced) {
        this.logger.info({ lock: this.key }, 'another instance applies this projection; standing by');
        onStandby();
        announced = true;
      }
      await sleep(2000, signal);
    }
    return false;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.acquired = false;
    if (!client) return;
    client.removeAllListeners('end');
    await client.end().catch(() => undefined);
  }

  private markLost(error: Error): void {
    if (this.lost || !this.client) return;
    this.lost = true;
    this.logger.error({ err: error, lock: this.key }, 'lost the projection lock; re-acquiring');
    this.onLost();
  }
}
