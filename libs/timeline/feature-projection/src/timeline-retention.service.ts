import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LOGGER, type Logger } from '@daalu/platform/observability';
import { dayOf, purgeEventTypesBefore, restoreIndexes, TimelinePartitions } from '@daalu/timeline/data-access';
import { TIMELINE_OPTIONS, type TimelineOptions } from './timeline-options';

const DAY_MS = 86_400_000;
const SWEEP_MS = 60 * 60 * 1000;

/**
 * Keeps the day partitions in shape: today's and the next two exist before events need them, and
 * whole days older than the retention period are dropped (no row-by-row deletes). The event-type
 * catalog forgets the same days. At start and hourly.
 */
@Injectable()
export class TimelineRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly partitions: TimelinePartitions,
    @Inject(TIMELINE_OPTIONS) private readonly options: TimelineOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // A rebuild that died before its end left indexes deferred: build them before serving queries.
    const restored = await restoreIndexes(this.dataSource.manager, 'timeline_entry');
    if (restored.length > 0) this.logger.warn({ restored }, 'restored indexes an unfinished rebuild had deferred');
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async sweep(now = Date.now()): Promise<string[]> {
    try {
      const today = dayOf(now);
      await this.partitions.ensure(this.dataSource.manager, [today, today + DAY_MS, today + 2 * DAY_MS]);
      const cutoff = today - this.options.retentionDays * DAY_MS;
      const dropped = await this.partitions.dropBefore(this.dataSource.manager, cutoff);
      const typeDays = await purgeEventTypesBefore(this.dataSource.manager, cutoff);
      if (typeDays > 0) {
        this.logger.info(
          { typeDays, retentionDays: this.options.retentionDays },
          'timeline retention: forgot old days of the event-type catalog',
        );
      }
      if (dropped.length > 0) {
        this.logger.info(
          { dropped, retentionDays: this.options.retentionDays },
          'timeline retention: dropped old partitions',
        );
      }
      return dropped;
    } catch (error) {
      this.logger.warn({ err: error }, 'timeline retention sweep failed; will retry');
      return [];
    }
  }
}
