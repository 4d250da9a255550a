import { Controller, Get, Param, ParseUUIDPipe, Query, Req, UseGuards } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { problem, ProblemException } from '@daalu/platform/http';
import { TenantGuard, type TenantRequest } from '@daalu/platform/tenancy';
import { RuleDirectory } from '../rules/rule-directory';
import { EventLocator, timeOfUuidV7 } from './event-locator';

/**
 * `GET /api/v1/events/:id/evaluations`: why an event fired an alert, or did not. For each of the
 * tenant's rules as they are now: matched or missed, and the condition that decided it; and the alerts
 * the event actually took part in (what happened then, whatever the rules became since).
 */
@Controller('api/v1/events/:id/evaluations')
@UseGuards(TenantGuard)
export class EventEvaluationsController {
  constructor(
    private readonly directory: RuleDirectory,
    private readonly locator: EventLocator,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  async evaluations(
    @Req() request: TenantRequest,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('at') at?: string,
  ) {
    const tenantId = request.tenantId!;
    const time = timeOfUuidV7(id) ?? (at !== undefined ? Date.parse(at) : undefined);
    if (time === undefined || Number.isNaN(time)) {
      throw new ProblemException(
        problem(
          400,
          'event-time-needed',
          'Event time needed',
          'this id does not carry its time: give ?at=<receivedAt>',
          {
            errors: [{ field: 'at', message: 'the event’s receivedAt (ISO 8601), as the timeline shows it' }],
          },
        ),
      );
    }
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
