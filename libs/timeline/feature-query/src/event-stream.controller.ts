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
 * Without it, the stream starts at what is on the timeline now, and says so with an id-only event, so a
 * client that drops before its first entry still resumes from there.
 */
/** Each stream reads the database on every wake; a cap keeps one tenant from exhausting a replica. */
const MAX_STREAMS_PER_TENANT = 20;

@Controller('api/v1/events/stream')
@UseGuards(TenantGuard)
export class EventStreamController implements OnModuleDestroy {
  private readonly reader: TimelineReader;
  private readonly open = new Set<TimelineStream>();

  constructor(
    dataSource: DataSource,
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
    const tenantId = request.tenantId!;
    const openForTenant = [...this.open].filter((open) => open.tenantId === tenantId).length;
    if (openForTenant >= MAX_STREAMS_PER_TENANT) {
      throw new ProblemException(
        problem(
          429,
          'too-many-streams',
          'Too many streams',
          `at most ${MAX_STREAMS_PER_TENANT} open streams per tenant on one server; close one first`,
        ),
        { 'Retry-After': '5' },
      );
    }
    const after = lastEventId !== undefined ? parseLastEventId(lastEventId) : await this.reader.appliedSequence();
    const stream = new TimelineStream(reply, this.reader, tenantId, filter, after, this.logger);
    this.open.add(stream);
    const unsubscribe = this.notifier.subscribe((tenants) => {
      if (tenants === 'all' || tenants.has(tenantId)) stream.wake();
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
