import { Controller, Get, Headers, Inject, Query, Res, UseGuards, type OnModuleDestroy } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { problem, ProblemException } from '@daalu/platform/http';
import { LOGGER, type Logger } from '@daalu/platform/observability';
import { Tenant, TenantGuard } from '@daalu/platform/tenancy';
import { TimelineReader } from '@daalu/timeline/data-access';
import type { QueryValue, TimelineFilter } from '@daalu/timeline/domain';
import { TimelineNotifier } from './timeline-notifier';
import { parseStreamQuery } from './timeline-query';
import { TimelineStream } from './timeline-stream';
import { TimelineFilterQuery } from './timeline-query.dto';

/**
 * `GET /api/v1/events/stream`: the caller's timeline live, as Server-Sent Events, with the list's
 * filters. Each event's `id` is its log position: after a disconnect, a client sending
 * `Last-Event-ID` (EventSource does it by itself) gets exactly what it missed, no gap, no repeat.
 * Without it, the stream starts at what is on the timeline now, and says so with an id-only event, so a
 * client that drops before its first entry still resumes from there.
 */
/** Each stream reads the database on every wake; a cap keeps one tenant from exhausting a replica. */
const MAX_STREAMS_PER_TENANT = 20;

@ApiTags('Timeline')
@ApiBearerAuth('tenantToken')
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
  @ApiOperation({
    summary: 'The timeline, live',
    description:
      'Server-Sent Events with the list’s filters (`payload.<path>` too). Each `entry` event’s data is a TimelineEntry and its id the entry’s log position; an id-only event marks where the stream starts. A `: keep-alive` comment comes every 15 s. Reconnecting with `Last-Event-ID` gives exactly what was missed.',
  })
  @TimelineFilterQuery()
  @ApiHeader({
    name: 'last-event-id',
    required: false,
    description: 'Resume after this event (EventSource sends it by itself on a reconnect)',
    schema: { type: 'string', pattern: '^\\d{1,15}$' },
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'The stream',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example:
          'retry: 2000\nid: 4120\n\nid: 4121\nevent: entry\ndata: {"id":"0193a5b2-7c1e-7d4a-9b3f-2e8c4a6d1f05","kind":"event","type":"check.failed","module":"custom","source":"nightly-cron","summary":"disk usage on backup host exceeded 90%","severity":"warning","payload":{"host":"backup-1","pct":93},"receivedAt":"2026-11-27T14:30:00.000Z","correlationId":"0193a5b2-7c1e-7d4a-9b3f-2e8c4a6d1f05","sequence":4121}\n\n',
      },
    },
  })
  @ApiTooManyRequestsResponse({
    description: 'Too many open streams for the tenant on one server: retry after `Retry-After`',
    headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } },
  })
  async stream(
    @Tenant() tenantId: string,
    @Res() reply: FastifyReply,
    @Query() query: Record<string, QueryValue>,
    @Headers('last-event-id') lastEventId?: string,
  ): Promise<void> {
    const filter: TimelineFilter = parseStreamQuery(query);
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
