import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@daalu/platform/app';
import { PlatformConfig } from '@daalu/platform/config';
import { createLogger } from '@daalu/platform/observability';
import { IngestFeatureModule } from '@daalu/ingest/feature';
import { AuditModule } from '@daalu/audit/feature';
import { TimelineQueryModule } from '@daalu/timeline/feature-query';
import { EvaluationModule, ProposalsModule, RulesFeatureModule } from '@daalu/rules/feature';
import { DeliveriesModule } from '@daalu/outbound/feature';
import { PRODUCTION_SCHEDULE } from '@daalu/outbound/domain';

/**
 * The modules that carry each app's public controllers, as the apps compose them (apps/<app>/src/
 * app.module.ts), with placeholder settings: the document is read from their metadata only (Nest's
 * preview mode instantiates nothing, so nothing connects to NATS or PostgreSQL). The spec beside this
 * file builds the apps' own AppModules and fails when one of them serves a route the document lacks.
 */
export interface ApiApp {
  /** The app, as in apps/<name>. */
  name: string;
  module: DynamicModule;
}

const logger = createLogger('openapi', 'silent');

function platform(service: string, schema: string): DynamicModule {
  return PlatformModule.forRoot({
    service,
    config: new PlatformConfig(),
    logger,
    database: { schema, migrations: [] },
  });
}

@Module({})
class IngestGatewayApi {}
@Module({})
class TimelineProjectorApi {}
@Module({})
class RuleEvaluatorApi {}
@Module({})
class OutboundDispatcherApi {}

export function apiApps(): ApiApp[] {
  return [
    {
      name: 'ingest-gateway',
      module: {
        module: IngestGatewayApi,
        imports: [
          platform('ingest-gateway', 'ingest'),
          IngestFeatureModule.forRoot({
            operatorTokenHashes: ['0'.repeat(64)],
            keyGraceSeconds: 86_400,
            ratePerSecond: 10,
            rateBurst: 10,
            idempotencyTtlSeconds: 86_400,
            streamReplicas: 1,
            publishTimeoutMs: 1000,
            publicUrl: 'http://localhost:8080',
            historyRetentionDays: 7,
            instanceId: 'openapi',
          }),
          AuditModule.forRoot({ eventRetentionDays: 30 }),
        ],
      },
    },
    {
      name: 'timeline-projector',
      module: {
        module: TimelineProjectorApi,
        imports: [platform('timeline-projector', 'timeline'), TimelineQueryModule],
      },
    },
    {
      name: 'rule-evaluator',
      module: {
        module: RuleEvaluatorApi,
        imports: [
          platform('rule-evaluator', 'rules'),
          RulesFeatureModule,
          EvaluationModule.forRoot({ contextTypes: ['deploy.*'], contextWindowMs: 30 * 60_000 }),
          ProposalsModule,
        ],
      },
    },
    {
      name: 'outbound-dispatcher',
      module: {
        module: OutboundDispatcherApi,
        imports: [
          platform('outbound-dispatcher', 'outbound'),
          DeliveriesModule.forRoot(
            {
              secretKeys: ['00'.repeat(32)],
              allow: [],
              keyGraceSeconds: 86_400,
              deliveryTimeoutMs: 10_000,
              ratePerUrl: 50,
              maxAckPending: 1000,
              disableAfterMs: 5 * 86_400_000,
            },
            PRODUCTION_SCHEDULE,
          ),
        ],
      },
    },
  ];
}
