import { Inject, Injectable } from '@nestjs/common';
import type { ConfigFact } from '@daalu/contracts';
import { NatsClient, STREAM_NAMES, type StreamNames } from '@daalu/platform/jetstream';
import { LOGGER, Readiness, type Logger } from '@daalu/platform/observability';
import { ConfigFactsFollower } from './config-facts-follower';
import { hashToken } from '@daalu/contracts';

/** Which tenant each API token (by its SHA-256) belongs to: what every tenant-scoped API authenticates with. */
@Injectable()
export class ApiTokenDirectory extends ConfigFactsFollower {
  private readonly byTokenHash = new Map<string, { tenantId: string; tokenPrefix: string }>();

  constructor(
    client: NatsClient,
    @Inject(STREAM_NAMES) streams: StreamNames,
    @Inject(LOGGER) logger: Logger,
    readiness: Readiness,
  ) {
    super('api-tokens', client, streams, logger, readiness);
  }

  tenantForApiToken(token: string): string | null {
    return this.byTokenHash.get(hashToken(token))?.tenantId ?? null;
  }

  /** The tenant and the token's shown prefix (who did something, in records that say so). */
  principalForApiToken(token: string): { tenantId: string; tokenPrefix: string } | null {
    return this.byTokenHash.get(hashToken(token)) ?? null;
  }

  protected apply(fact: ConfigFact): void {
    if (fact.kind === 'api-token.issued') {
      this.byTokenHash.set(fact.tokenHash, { tenantId: fact.tenantId, tokenPrefix: fact.tokenPrefix });
    }
  }
}
