import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { invalidFields, problem, ProblemException } from '@daalu/platform/http';
import { Tenant, TenantGuard } from '@daalu/platform/tenancy';
import { RuleDirectory } from '../rules/rule-directory';
import { EventLocator, FUTURE_SLACK_MS, timeOfUuidV7 } from './event-locator';
import { EventEvaluationsView } from './event-evaluations.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** `?at=`: an ISO 8601 date-time with its offset, as the timeline shows `receivedAt`. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * `GET /api/v1/events/:id/evaluations`: why an event fired an alert, or did not. For each of the
 * tenant's rules as they are now: matched or missed, and the condition that decided it; and the alerts
 * the event actually took part in (what happened then, whatever the rules became since).
 */
@ApiTags('Alerts')
@ApiBearerAuth('tenantToken')
@Controller('api/v1/events/:id/evaluations')
@UseGuards(TenantGuard)
export class EventEvaluationsController {
  constructor(
    private readonly directory: RuleDirectory,
    private readonly locator: EventLocator,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Why an event fired an alert, or did not',
    description:
      'For each rule as it is now: matched or missed, and the condition that decided it; and the alerts the event took part in.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The event id, as POST /api/v1/events answered it' })
  @ApiQuery({
    name: 'at',
    required: false,
    description: 'The event’s receivedAt: needed only for an id that does not carry its time (not a UUIDv7)',
    schema: { type: 'string', format: 'date-time' },
  })
  @ApiOkResponse({ type: EventEvaluationsView })
  @ApiNotFoundResponse({ description: 'No such event on the log' })
  async evaluations(@Tenant() tenantId: string, @Param('id') rawId: string, @Query('at') at?: string | string[]) {
    const id = rawId.toLowerCase();
    const time = eventTime(id, at, Date.now());
    const event = await this.locator.find(tenantId, id, time);
    if (!event) throw new ProblemException(problem(404, 'not-found', 'Not found', 'no such event on the log'));
    const evaluations = this.directory.list(tenantId).map((stored) => {
      const base = {
        ruleId: stored.id,
        ruleName: stored.rule.name,
        ruleKind: stored.rule.kind,
        ruleVersion: stored.version,
      };
      if (!stored.rule.enabled) {
        return { ...base, matched: false, condition: 'enabled', reason: 'the rule is disabled' };
      }
      const outcome = stored.compiled.match.evaluate(event);
      const resolves = stored.compiled.resolve?.matches(event) ?? false;
      return { ...base, ...outcome, ...(stored.compiled.resolve ? { resolves } : {}) };
    });
    const alerts: Array<{ alert_id: string; rule_id: string; state: string }> = await this.dataSource.query(
      `SELECT alert_id, rule_id, state FROM alert WHERE tenant_id = $1 AND $2 = ANY(event_ids) ORDER BY fired_at`,
      [tenantId, id],
    );
    return {
      event: {
        id: event.id,
        type: event.type,
        module: event.module,
        source: event.source,
        severity: event.severity,
        summary: event.summary,
        receivedAt: event.receivedAt,
      },
      evaluations,
      alerts: alerts.map((row) => ({ id: row.alert_id, ruleId: row.rule_id, state: row.state })),
    };
  }
}

/**
 * When the event was received, to search the log around: the time a UUIDv7 id carries, else `?at=`. A
 * 400 naming `id` or `at` when there is no such time: not a UUID, or a time no event can have yet (a
 * UUIDv7 is minted from the gateway's clock when the event arrives, so an id from the future, such as
 * ffffffff-ffff-7fff-bfff-ffffffffffff, is not an event id; the log cannot be searched from there either).
 */
export function eventTime(id: string, at: string | string[] | undefined, now: number): number {
  if (!UUID.test(id)) {
    throw invalidFields('invalid-id', 'Invalid id', [{ field: 'id', message: 'must be an event id (a UUID)' }]);
  }
  const latest = now + FUTURE_SLACK_MS;
  const carried = timeOfUuidV7(id);
  if (carried !== undefined) {
    if (carried > latest) {
      throw invalidFields('invalid-id', 'Invalid id', [
        {
          field: 'id',
          message: `is a UUIDv7 stamped ${new Date(carried).toISOString()}, in the future: no event has this id`,
        },
      ]);
    }
    return carried;
  }
  if (at === undefined) {
    throw new ProblemException(
      problem(400, 'event-time-needed', 'Event time needed', 'this id does not carry its time: give ?at=<receivedAt>', {
        errors: [{ field: 'at', message: 'the event’s receivedAt (ISO 8601), as the timeline shows it' }],
      }),
    );
  }
  const time = typeof at === 'string' && ISO_DATE_TIME.test(at) ? Date.parse(at) : NaN;
  if (Number.isNaN(time)) {
    throw invalidFields('invalid-query', 'Invalid query', [
      {
        field: 'at',
        message: 'must be the event’s receivedAt, once, as ISO 8601 with an offset (2026-11-27T14:30:00Z)',
      },
    ]);
  }
  if (time < 0 || time > latest) {
    throw invalidFields('invalid-query', 'Invalid query', [
      { field: 'at', message: 'must be between 1970-01-01 and now: no event was received at any other time' },
    ]);
  }
  return time;
}
