import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { problem, PROBLEM_CONTENT_TYPE, ProblemException, type Problem } from '@daalu/platform/http';
import { Tenant, TenantGuard } from '@daalu/platform/tenancy';
import {
  HISTOGRAM_TIMEOUT_SECONDS,
  HistogramTimeoutError,
  TimelineReader,
  type TimelineEntryView,
} from '@daalu/timeline/data-access';
import type { QueryValue, TimelineHistogram } from '@daalu/timeline/domain';
import { TimelineFilterQuery } from './timeline-query.dto';
import { parseHistogramQuery, parseListQuery } from './timeline-query';
import { TimelinePageView } from './timeline-entry.dto';
import { TimelineHistogramView } from './timeline-histogram.dto';

/**
 * `GET /api/v1/events`: the caller's timeline, newest first, filtered, in cursor pages; and
 * `GET /api/v1/events/histogram`: how many of those entries per time bucket (the console's chart). No
 * route of the timeline takes an event id at `/api/v1/events/<id>`, so `histogram` is never read as one.
 */
@ApiTags('Timeline')
@ApiBearerAuth('tenantToken')
@Controller('api/v1/events')
@UseGuards(TenantGuard)
export class EventsController {
  private readonly reader: TimelineReader;

  constructor(dataSource: DataSource) {
    this.reader = new TimelineReader(dataSource);
  }

  @Get()
  @ApiOperation({
    summary: 'The timeline',
    description:
      'Events, alerts and proposals, newest first, filtered, in cursor pages. Besides the parameters below, `payload.<path>=<value>` (repeatable, up to 8 names joined by dots) keeps entries whose payload has this value at this path. An unknown parameter is a 400.',
  })
  @TimelineFilterQuery()
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page, as given', type: String })
  @ApiOkResponse({ type: TimelinePageView })
  async list(
    @Tenant() tenantId: string,
    @Query() query: Record<string, QueryValue>,
  ): Promise<{ items: TimelineEntryView[]; nextCursor: string | null }> {
    const { filter, limit, cursor } = parseListQuery(query);
    return this.reader.page(tenantId, filter, limit, cursor);
  }

  @Get('histogram')
  @ApiOperation({
    summary: 'The timeline, counted over time',
    description:
      'How many entries the list would show, per time bucket, with the list’s filters (`payload.<path>=<value>` too; no `limit` or `cursor`), by severity. The range is `since` to `until`; without `until` it ends now, without `since` it starts an hour before `until`; at most 31 days (longer is a 400 naming `since`). Buckets are aligned to the epoch, of the smallest size among 60, 300, 900, 3600, 10800, 21600 and 86400 seconds giving at most 120 of them; empty buckets are there with zeros. A count that takes over 5 s is stopped: a 503 `query-timeout`, to narrow the range or add filters.',
  })
  @TimelineFilterQuery()
  @ApiOkResponse({ type: TimelineHistogramView })
  @ApiServiceUnavailableResponse({
    description: `The count took over ${HISTOGRAM_TIMEOUT_SECONDS} s and was stopped (\`query-timeout\`, no \`Retry-After\`: the same request would take as long; narrow the range or add filters), or the timeline is not answering (\`upstream-unavailable\`, retry after \`Retry-After\`)`,
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: { $ref: '#/components/schemas/Problem' },
        example: histogramTimeout(),
      },
    },
  })
  async histogram(@Tenant() tenantId: string, @Query() query: Record<string, QueryValue>): Promise<TimelineHistogram> {
    const { filter, range, bucketSeconds } = parseHistogramQuery(query);
    try {
      return await this.reader.histogram(tenantId, filter, range, bucketSeconds);
    } catch (error) {
      if (!(error instanceof HistogramTimeoutError)) throw error;
      throw new ProblemException(histogramTimeout());
    }
  }
}

/** The 503 of a histogram whose count ran past the statement timeout. */
function histogramTimeout(): Problem {
  return problem(
    503,
    'query-timeout',
    'Query took too long',
    `counting took over ${HISTOGRAM_TIMEOUT_SECONDS} s and was stopped: narrow the range (since, until) or add filters (type, source, severity …)`,
  );
}
