import { Controller, Get, Headers, Inject, Query, Req, Res, UseGuards, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { problem, ProblemException } from '@daalu/platform/http';
import { LOGGER, type Logger } from '@daalu/platform/observability';
import { TenantGuard, type TenantRequest } from '@daalu/platform/tenancy';
import { TimelineReader } from '@daalu/timeline/data-access';
import type { QueryValue, TimelineFilter } from '@daalu/timeline/domain';
import { TimelineNotifier } from './timeline-notifier';
import { parseStreamQuery } from './timeline-query';
import { TimelineStream } from './timeline-stream';

/**
 * `GET /api/v1/events/stream`: the caller's timeline live, as Server-Sent Events, with the list's
 * filters. Each event's `id` is its log position: after a disconnect, a client sending
 * `Last-Event-ID` (EventSource does it by itself) gets exactly what it missed, no gap, no repeat.
 * Without it, the stream starts at what is on the timeline now.
 */
@Controller('api/v1/events/stream')
@UseGuards(TenantGuard)
export class EventStreamController implements OnModuleDestroy {
  private readonly reader: TimelineReader;
  private readonly open = new Set<TimelineStream>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly notifier: TimelineNotifier,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.reader = new TimelineReader(dataSource);
  }

  @Get()
  async stream(
    @Req() request: TenantRequest,
    @Res() reply: FastifyReply,
    @Query() query: Record<string, QueryValue>,
    @Headers('last-event-id') lastEventId?: string,
  ): Promise<void> {
    const filter: TimelineFilter = parseStreamQuery(query);
    const after = lastEventId !== undefined ? parseLastEventId(lastEventId) : await this.appliedSequence();
    const stream = new TimelineStream(reply, this.reader, request.tenantId!, filter, after, this.logger);
    this.open.add(stream);
    const unsubscribe = this.notifier.subscribe((tenants) => {
      if (tenants === 'all' || tenants.has(request.tenantId!)) stream.wake();
    });
    stream.start(() => {
      unsubscribe();
      this.open.delete(stream);
    });
  }

  /** Ends every open stream (clients reconnect elsewhere with Last-Event-ID) so shutdown is not held up. */
  onModuleDestroy(): void {
    for (const stream of this.open) stream.end();
  }

  /** What the timeline holds right now: every entry at or below it is visible, none above it yet. */
  private async appliedSequence(): Promise<number> {
    const rows: Array<{ last_sequence: string }> = await this.dataSource.query(
      `SELECT last_sequence FROM projection_checkpoint WHERE projection = 'timeline-events'`,
    );
    return Number(rows[0]?.last_sequence ?? 0);
  }
}

function parseLastEventId(value: string): number {
  if (!/^\d{1,15}$/.test(value.trim())) {
    throw new ProblemException(
      problem(400, 'invalid-last-event-id', 'Invalid Last-Event-ID', 'must be the id of an event this stream sent', {
        errors: [{ field: 'Last-Event-ID', message: 'must be a non-negative integer' }],
      }),
    );
  }
  return Number(value.trim());
}
