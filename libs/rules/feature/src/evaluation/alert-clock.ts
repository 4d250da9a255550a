import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '@daalu/platform/app';
import type { PlatformConfig } from '@daalu/platform/config';
import { LOGGER, type Logger } from '@daalu/platform/observability';
import { ProjectionHost } from '@daalu/platform/projection';
import { AlertEvaluation } from './alert-evaluation.projection';

const TICK_MS = 1000;
const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Judges what only time can tell (a silence past an absence rule's deadline, a quiet period) once a
 * second, on the replica that applies the evaluation and only when it has caught up with the log: a
 * restart never fires on the silence of events that merely had not been read yet.
 */
@Injectable()
export class AlertClock implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastPurge = 0;

  constructor(
    private readonly evaluation: AlertEvaluation,
    private readonly host: ProjectionHost,
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(APP_CONFIG) config: PlatformConfig,
  ) {
    this.evaluationBatch = config.DAALU_PROJECTION_BATCH;
    // A day past the log's own retention (DAALU_EVENT_RETENTION_DAYS): a fact older than that cannot
    // be replayed any more, so neither the ledger row of it nor the alert or silence it made is needed.
    this.keepDays = config.DAALU_EVENT_RETENTION_DAYS + 1;
  }

  private readonly evaluationBatch: number;
  private readonly keepDays: number;

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    const status = this.host.get(this.evaluation.name).status;
    // Only when (nearly) nothing is left to read: under a backlog, a silence may be events not read yet.
    if (status.role !== 'active' || !status.caughtUp || status.pending > this.evaluationBatch) return;
    const now = Date.now();
    this.running = this.dataSource
      .transaction(async (manager) => {
        await this.evaluation.tick(manager, now);
        if (now - this.lastPurge >= PURGE_EVERY_MS) {
          // Past the log's retention, a fact cannot be replayed any more: its ledger row can go.
          const keep = [this.keepDays];
          await manager.query(`DELETE FROM emitted_fact WHERE emitted_at < now() - make_interval(days => $1)`, keep);
          await manager.query(
            `DELETE FROM alert WHERE state = 'resolved' AND resolved_at < now() - make_interval(days => $1)`,
            keep,
          );
          await manager.query(
            `DELETE FROM silence WHERE LEAST(ends_at, COALESCE(expired_at, ends_at)) < now() - make_interval(days => $1)`,
            keep,
          );
          this.lastPurge = now;
        }
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'alert clock tick failed; next second again'))
      .finally(() => (this.running = undefined));
    await this.running;
  }
}
