import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Kvm, type KV } from '@nats-io/kv';
import type { StreamNames } from '@daalu/contracts';
import { NatsClient, STREAM_NAMES } from '@daalu/platform/jetstream';
import { INGEST_OPTIONS, type IngestOptions } from '../shared/ingest-options';

/**
 * Remembers, per tenant and Idempotency-Key, the id of the event it created, for 24 hours: a JetStream
 * key-value bucket with a TTL, shared by all gateway replicas. Within JetStream's 2-minute duplicate
 * window a concurrent retry is also caught by the deterministic event id (Nats-Msg-Id).
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit {
  private kv!: KV;

  constructor(
    private readonly client: NatsClient,
    @Inject(STREAM_NAMES) private readonly streams: StreamNames,
    @Inject(INGEST_OPTIONS) private readonly options: IngestOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    this.kv = await new Kvm(this.client.js).create(this.streams.idempotencyBucket, {
      ttl: this.options.idempotencyTtlSeconds * 1000,
      history: 1,
      replicas: this.options.streamReplicas,
      description: 'Idempotency-Key -> event id, per tenant (ingest gateway)',
    });
  }

  async find(tenantId: string, idempotencyKey: string): Promise<string | null> {
    const entry = await this.kv.get(this.key(tenantId, idempotencyKey));
    return entry && entry.operation === 'PUT' ? entry.string() : null;
  }

  async remember(tenantId: string, idempotencyKey: string, eventId: string): Promise<void> {
    await this.kv.put(this.key(tenantId, idempotencyKey), eventId);
  }

  private key(tenantId: string, idempotencyKey: string): string {
    return `${tenantId}.${createHash('sha256').update(idempotencyKey).digest('hex')}`;
  }
}
