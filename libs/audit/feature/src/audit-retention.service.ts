import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { StreamNames } from '@daalu/contracts';
import { STREAM_NAMES } from '@daalu/platform/jetstream';
import { LOGGER, type Logger } from '@daalu/platform/observability';
import { pruneAuditBefore } from '@daalu/audit/data-access';
import { AUDIT_OPTIONS, type AuditOptions } from './audit-options';

const DAY_MS = 86_400_000;
const SWEEP_MS = 60 * 60 * 1000;

/**
 * Entries that came from the EVENTS stream (proposals and their decisions) go when the stream's own
 * retention drops their facts (DAALU_EVENT_RETENTION_DAYS): at start and hourly, as the timeline's
 * retention does. Entries of CONFIG facts stay, as the facts do.
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(STREAM_NAMES) private readonly streams: StreamNames,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Deletes the EVENTS entries older than the retention; how many went (0 when the sweep failed). */
  async sweep(now = Date.now()): Promise<number> {
    try {
      const cutoff = new Date(now - this.options.eventRetentionDays * DAY_MS);
      const pruned = await pruneAuditBefore(this.dataSource, this.streams.events, cutoff);
      if (pruned > 0) {
        this.logger.info(
          { pruned, retentionDays: this.options.eventRetentionDays },
          'audit retention: forgot proposal entries past the event retention',
        );
      }
      return pruned;
    } catch (error) {
      this.logger.warn({ err: error }, 'audit retention sweep failed; will retry');
      return 0;
    }
  }
}
