import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Kvm, type KV } from '@nats-io/kv';
import type { StreamNames } from '@daalu/contracts';
import { NatsClient, STREAM_NAMES } from '@daalu/platform/jetstream';
import { LOGGER, type Logger } from '@daalu/platform/observability';

/** A token's last use is written at most this often per replica: lastUsedAt is accurate to a minute. */
export const TOKEN_USAGE_RESOLUTION_MS = 60_000;

/**
 * When each API token was last used, shared by every app: a JetStream key-value bucket (token id ->
 * RFC 3339 time), written by whichever replica saw the use, at most once a minute per token and
 * replica, off the request's path. Advisory: a write that fails is logged and the request goes on.
 */
@Injectable()
export class TokenUsage implements OnApplicationBootstrap {
  private kv?: KV;
  private readonly lastWritten = new Map<string, number>();

  constructor(
    private readonly client: NatsClient,
    @Inject(STREAM_NAMES) private readonly streams: StreamNames,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // As many copies as the config stream keeps (DAALU_STREAM_REPLICAS); every app opens the same bucket.
    const replicas = (await this.client.jsm.streams.info(this.streams.config)).config.num_replicas;
    this.kv = await new Kvm(this.client.js).create(this.streams.tokenUsageBucket, {
      history: 1,
      replicas,
      description: 'API token id -> when it was last used (every app that serves the tenant API)',
    });
  }

  /** Notes a use of the token now (written unless this replica wrote it within the last minute). */
  note(tokenId: string, now = Date.now()): void {
    const last = this.lastWritten.get(tokenId) ?? 0;
    if (!this.kv || now - last < TOKEN_USAGE_RESOLUTION_MS) return;
    this.lastWritten.set(tokenId, now);
    this.kv
      .put(tokenId, new Date(now).toISOString())
      .catch((error: unknown) => this.logger.warn({ err: error, tokenId }, 'token use not recorded'));
  }

  /** When the token was last used, or null if never (or not within what the bucket holds). */
  async lastUsedAt(tokenId: string): Promise<string | null> {
    const entry = await this.kv?.get(tokenId);
    return entry && entry.operation === 'PUT' ? entry.string() : null;
  }

  /** Forgets tokens that no longer exist (revoked, or their tenant deleted). */
  async forget(tokenIds: string[]): Promise<void> {
    for (const tokenId of tokenIds) {
      this.lastWritten.delete(tokenId);
      await this.kv?.purge(tokenId);
    }
  }
}
