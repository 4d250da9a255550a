import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { CheckPausedCodec, CheckResumedCodec, SCHEMA_VERSION, type Subjects } from '@daalu/contracts';
import { problem, ProblemException, publishFailureProblem } from '@daalu/platform/http';
import { JetStreamPublisher, SUBJECTS } from '@daalu/platform/jetstream';
import { checksOfTenant } from '@daalu/rules/data-access';
import { checkStatusAt, type CheckPauseState, type CheckState } from '@daalu/rules/domain';
import { readOnceApplied } from '../read-once-applied';
import { RuleDirectory, type StoredRule } from '../rules/rule-directory';
import type { CheckView } from './check.dto';

const iso = (ms: number | null) => (ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

/**
 * Heartbeat checks (absence rules, per group) with their status now: what the rules directory holds of
 * each rule, and what the evaluator stored of its pings, pauses and alerts. Pause and resume are facts
 * on the alerts' subject of the log, applied by the evaluator in order with the pings.
 */
@Injectable()
export class ChecksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: RuleDirectory,
    private readonly publisher: JetStreamPublisher,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
  ) {}

  async list(tenantId: string, ruleId?: string, now = Date.now()): Promise<CheckView[]> {
    const rules = this.directory
      .list(tenantId)
      .filter((stored) => stored.rule.kind === 'absence' && (ruleId === undefined || stored.id === ruleId))
      .sort((a, b) => a.rule.name.localeCompare(b.rule.name) || a.id.localeCompare(b.id));
    if (rules.length === 0) return [];
    const { states, pauses, firing } = await checksOfTenant(this.dataSource, tenantId, ruleId);
    const statesByRule = new Map<string, CheckState[]>();
    for (const state of states) statesByRule.set(state.ruleId, [...(statesByRule.get(state.ruleId) ?? []), state]);
    const pauseOf = new Map(pauses.map((pause) => [pause.ruleId, pause]));
    const views: CheckView[] = [];
    for (const stored of rules) {
      const ofRule = (statesByRule.get(stored.id) ?? []).sort((a, b) => a.groupKey.localeCompare(b.groupKey));
      const pause = pauseOf.get(stored.id) ?? null;
      // A rule without groupBy is one check; with groupBy, one per group heard (one placeholder before).
      const groups: Array<CheckState | null> = stored.rule.groupBy
        ? ofRule.length > 0
          ? ofRule
          : [null]
        : [ofRule.find((state) => state.groupKey === '') ?? null];
      for (const state of groups) views.push(this.view(stored, state, pause, firing, now));
    }
    return views;
  }

  pause(tenantId: string, ruleId: string, actor: string): Promise<CheckView[]> {
    return this.control(tenantId, ruleId, actor, 'check.paused');
  }

  resume(tenantId: string, ruleId: string, actor: string): Promise<CheckView[]> {
    return this.control(tenantId, ruleId, actor, 'check.resumed');
  }

  private async control(
    tenantId: string,
    ruleId: string,
    actor: string,
    kind: 'check.paused' | 'check.resumed',
  ): Promise<CheckView[]> {
    const stored = this.directory.get(tenantId, ruleId);
    if (!stored || stored.rule.kind !== 'absence')
      throw new ProblemException(problem(404, 'not-found', 'Not found', 'no such heartbeat check (absence rule)'));
    const paused = kind === 'check.paused';
    const id = uuidv7();
    const fact = {
      schemaVersion: SCHEMA_VERSION,
      id,
      tenantId,
      correlationId: id,
      causationId: null,
      occurredAt: new Date().toISOString(),
      actor,
      ruleId,
      ruleName: stored.rule.name,
    };
    try {
      const subject = this.subjects.alert(tenantId);
      if (paused) await this.publisher.publish(subject, CheckPausedCodec, { ...fact, kind: 'check.paused' });
      else await this.publisher.publish(subject, CheckResumedCodec, { ...fact, kind: 'check.resumed' });
    } catch (error) {
      throw publishFailureProblem(error, 'retry');
    }
    const at = Date.parse(fact.occurredAt);
    await readOnceApplied(
      async () => (await checksOfTenant(this.dataSource, tenantId, ruleId)).pauses[0],
      // Applied once the stored pause is this one (it keeps the time of the last pause or resume).
      (pause) => (paused ? pause.pausedAt === at : pause.resumedAt === at),
      'stored on the log; the checks have not caught up yet: read them again',
    );
    return this.list(tenantId, ruleId);
  }

  private view(
    stored: StoredRule,
    state: CheckState | null,
    pause: CheckPauseState | null,
    firing: Map<string, string>,
    now: number,
  ): CheckView {
    const { rule } = stored;
    const group = state?.groupKey ?? '';
    const alertId = firing.get(`${stored.id}|${group}`) ?? null;
    const schedule = stored.compiled.schedule;
    const status = schedule
      ? checkStatusAt(
          { schedule, enabled: rule.enabled, createdAt: stored.createdAtMs, state, pause, firing: alertId !== null },
          now,
        )
      : null;
    return {
      ruleId: stored.id,
      name: rule.name,
      groupKey: rule.groupBy ? (state?.groupKey ?? null) : null,
      state: status?.status ?? 'paused',
      everySeconds: rule.everySeconds ?? null,
      schedule: rule.schedule ?? null,
      timezone: rule.schedule ? (rule.timezone ?? 'UTC') : null,
      graceSeconds: rule.graceSeconds ?? 0,
      maxRunSeconds: rule.maxRunSeconds ?? null,
      lastSeenAt: iso(state?.lastSeenAt ?? null),
      nextExpectedAt: status && status.status !== 'paused' ? iso(status.expectedAt) : null,
      nextDeadlineAt: status && status.status !== 'paused' ? iso(status.deadlineAt) : null,
      lastDurationMs: state?.lastDurationMs ?? null,
      runningSince: iso(state?.runStartedAt ?? null),
      alertId,
      pings: (state?.pings ?? []).map((ping) => ({
        at: new Date(ping.at).toISOString(),
        kind: ping.kind,
        durationMs: ping.durationMs,
      })),
    };
  }
}
