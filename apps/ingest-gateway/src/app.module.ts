import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type AppDatabase } from '@daalu/platform/app';
import type { Logger } from '@daalu/platform/observability';
import { INGEST_MIGRATIONS } from '@daalu/ingest/data-access';
import { AUDIT_MIGRATIONS } from '@daalu/audit/data-access';
import { AuditModule } from '@daalu/audit/feature';
import { IngestFeatureModule } from '@daalu/ingest/feature';
import { IngestGatewayConfig } from './config';

/** This app's schema and migrations (also run on their own by `main.js migrate`). */
export const DATABASE: AppDatabase = { schema: 'ingest', migrations: [...INGEST_MIGRATIONS, ...AUDIT_MIGRATIONS] };

/** Composes the app: the platform, then its features. No logic here. */
@Module({})
export class AppModule {
  static forRoot(config: IngestGatewayConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'ingest-gateway',
          config,
          logger,
          database: DATABASE,
        }),
        IngestFeatureModule.forRoot({
          operatorTokenHashes: operatorTokens(config, logger).map((token) =>
            createHash('sha256').update(token).digest('hex'),
          ),
          keyGraceSeconds: config.DAALU_KEY_GRACE_S,
          ratePerSecond: config.DAALU_INGEST_RATE_PER_SECOND,
          rateBurst: config.DAALU_INGEST_BURST,
          idempotencyTtlSeconds: config.DAALU_IDEMPOTENCY_TTL_S,
          streamReplicas: config.DAALU_STREAM_REPLICAS,
          publishTimeoutMs: config.DAALU_PUBLISH_TIMEOUT_MS,
          publicUrl: config.DAALU_PUBLIC_URL,
          historyRetentionDays: config.DAALU_HISTORY_RETENTION_DAYS,
          instanceId: randomUUID(),
        }),
        AuditModule.forRoot({ eventRetentionDays: config.DAALU_EVENT_RETENTION_DAYS }),
      ],
    };
  }
}

/** Production requires DAALU_OPERATOR_TOKEN (validated); development makes one up and says so. */
function operatorTokens(config: IngestGatewayConfig, logger: Logger): string[] {
  if (config.DAALU_OPERATOR_TOKEN) return config.DAALU_OPERATOR_TOKEN.split(',').map((token) => token.trim());
  const token = `dop_${randomBytes(24).toString('base64url')}`;
  logger.warn({ operatorToken: token }, 'DAALU_OPERATOR_TOKEN is not set: using this development operator token');
  return [token];
}
