import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeadLetterRecorder, NatsClient } from '@daalu/platform/jetstream';
import { LOGGER, Metrics, Readiness, type Logger } from '@daalu/platform/observability';
import type { Projection } from './projection';
import { ProjectionRunner, type ProjectionRunnerOptions } from './projection-runner';

export const PROJECTION_OPTIONS = Symbol('PROJECTION_OPTIONS');

export interface ProjectionHostOptions extends ProjectionRunnerOptions {
  /** False for the rebuild command: boot without consuming. */
  startConsumers: boolean;
}

/**
 * Owns the app's projection runners: feature modules register their projections, the host starts them
 * once the app has booted, reports readiness (ready = every projection caught up with the log, or
 * standing by for another replica), and stops them first on shutdown.
 */
@Injectable()
export class ProjectionHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly runners = new Map<string, ProjectionRunner<unknown>>();
  private isTenantGone: (tenantId: string) => boolean = () => false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly client: NatsClient,
    private readonly deadLetters: DeadLetterRecorder,
    private readonly metrics: Metrics,
    readiness: Readiness,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROJECTION_OPTIONS) private readonly options: ProjectionHostOptions,
  ) {
    readiness.register('projections', () => {
      // Not ready: still catching up with what was on the log at start, or stalled since (messages
      // wait and the position has not moved): an app that stopped doing its job must say so.
      const behind = [...this.runners.values()]
        .filter((runner) => runner.status.stalled || runner.projection.gatesReadiness !== false)
        .map((runner) => runner.status)
        .filter((status) => status.stalled || (!status.caughtUp && status.role !== 'standby'));
      return behind.length === 0
        ? { ok: true }
        : {
            ok: false,
            detail: behind
              .map((s) => `${s.name}: ${s.stalled ? 'stalled' : s.role}, ${s.pending} pending at ${s.lastSequence}`)
              .join('; '),
          };
    });
  }

  register<M>(projection: Projection<M>): ProjectionRunner<M> {
    if (this.runners.has(projection.name)) throw new Error(`projection ${projection.name} registered twice`);
    const runner = new ProjectionRunner(
      projection,
      this.client,
      this.dataSource,
      this.deadLetters,
      this.metrics,
      this.logger.child({ projection: projection.name }),
      this.options,
      (tenantId) => this.isTenantGone(tenantId),
    );
    this.runners.set(projection.name, runner as ProjectionRunner<unknown>);
    return runner;
  }

  /** Facts of tenants for which this holds (deleted ones) are stepped over by every projection. */
  skipTenantsWhere(isGone: (tenantId: string) => boolean): void {
    this.isTenantGone = isGone;
  }

  list(): ProjectionRunner<unknown>[] {
    return [...this.runners.values()];
  }

  get(name: string): ProjectionRunner<unknown> {
    const runner = this.runners.get(name);
    if (!runner) throw new Error(`no projection named ${name}; known: ${[...this.runners.keys()].join(', ')}`);
    return runner;
  }

  onApplicationBootstrap(): void {
    if (!this.options.startConsumers) return;
    for (const runner of this.runners.values()) runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
  }
}
