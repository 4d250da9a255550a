import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type AppDatabase } from '@daalu/platform/app';
import type { Logger } from '@daalu/platform/observability';
import { RULES_MIGRATIONS } from '@daalu/rules/data-access';
import { EvaluationModule, ProposalsModule, RulesFeatureModule } from '@daalu/rules/feature';
import { RuleEvaluatorConfig } from './config';

/** This app's schema and migrations (also run on their own by `main.js migrate`). */
export const DATABASE: AppDatabase = { schema: 'rules', migrations: [...RULES_MIGRATIONS] };

/** Composes the app: the platform, then its features. No logic here. */
@Module({})
export class AppModule {
  static forRoot(config: RuleEvaluatorConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'rule-evaluator',
          config,
          logger,
          database: DATABASE,
        }),
        RulesFeatureModule,
        EvaluationModule.forRoot({
          contextTypes: config.DAALU_ALERT_CONTEXT_TYPES.split(','),
          contextWindowMs: config.DAALU_ALERT_CONTEXT_MINUTES * 60_000,
        }),
        ProposalsModule,
      ],
    };
  }
}
