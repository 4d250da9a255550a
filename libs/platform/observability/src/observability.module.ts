import { Global, Module, type DynamicModule } from '@nestjs/common';
import { HealthController } from './health.controller';
import { createLogger, type Logger } from './logger';
import { Metrics } from './metrics';
import { Readiness } from './readiness';

export const LOGGER = Symbol('LOGGER');

export interface ObservabilityOptions {
  service: string;
  logger?: Logger;
  logLevel?: string;
}

/** Logger, metrics registry, readiness checks and the health/metrics endpoints, for one app. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    const logger = options.logger ?? createLogger(options.service, options.logLevel ?? 'info');
    return {
      module: ObservabilityModule,
      controllers: [HealthController],
      providers: [
        { provide: LOGGER, useValue: logger },
        { provide: Metrics, useValue: new Metrics(options.service) },
        { provide: Readiness, useValue: new Readiness() },
      ],
      exports: [LOGGER, Metrics, Readiness],
    };
  }
}
