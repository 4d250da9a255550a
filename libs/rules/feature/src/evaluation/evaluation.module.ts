import { Module, type DynamicModule } from '@nestjs/common';
import { JetStreamPublisher, STREAM_NAMES, SUBJECTS, type StreamNames, type Subjects } from '@daalu/platform/jetstream';
import { ProjectionHost } from '@daalu/platform/projection';
import { TenancyModule } from '@daalu/platform/tenancy';
import { AlertLifecycleService } from '../alerts/alert-lifecycle.service';
import { AlertsController } from '../alerts/alerts.controller';
import { ChecksController } from '../checks/checks.controller';
import { ChecksService } from '../checks/checks.service';
import { SilencesController } from '../silences/silences.controller';
import { SilencesService } from '../silences/silences.service';
import { RulesFeatureModule } from '../rules-feature.module';
import { RuleDirectory } from '../rules/rule-directory';
import { AlertClock } from './alert-clock';
import { AlertEvaluation } from './alert-evaluation.projection';
import { EventEvaluationsController } from './event-evaluations.controller';
import { EventLocator } from './event-locator';
import { EVALUATION_OPTIONS, type EvaluationOptions } from './evaluation-options';

/** The evaluator: match rules over the log into alerts (facts on the log), and the alerts API. */
@Module({})
export class EvaluationModule {
  static forRoot(options: EvaluationOptions): DynamicModule {
    return {
      module: EvaluationModule,
      imports: [RulesFeatureModule, TenancyModule],
      controllers: [AlertsController, SilencesController, ChecksController, EventEvaluationsController],
      providers: [
        { provide: EVALUATION_OPTIONS, useValue: options },
        AlertClock,
        AlertLifecycleService,
        SilencesService,
        ChecksService,
        EventLocator,
        {
          provide: AlertEvaluation,
          inject: [ProjectionHost, STREAM_NAMES, SUBJECTS, RuleDirectory, JetStreamPublisher],
          useFactory: (
            host: ProjectionHost,
            streams: StreamNames,
            subjects: Subjects,
            directory: RuleDirectory,
            publisher: JetStreamPublisher,
          ) => {
            const evaluation = new AlertEvaluation(streams, subjects, directory, publisher, options);
            host.register(evaluation);
            return evaluation;
          },
        },
      ],
    };
  }
}
