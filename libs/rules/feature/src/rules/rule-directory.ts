import { Inject, Injectable } from '@nestjs/common';
import type { AlertRuleSpec, ConfigFact, MatchSpec } from '@daalu/contracts';
import { NatsClient, STREAM_NAMES, type StreamNames } from '@daalu/platform/jetstream';
import { LOGGER, Readiness, type Logger } from '@daalu/platform/observability';
import { ConfigFactsFollower } from '@daalu/platform/tenancy';
import { CheckSchedule, CompiledMatch, typeGlob, type RuleOfTenant, type RuleSet } from '@daalu/rules/domain';

/** A rule as stored: the tenant's spec, its version and times, and its conditions compiled once. */
export interface StoredRule extends RuleOfTenant {
  rule: AlertRuleSpec;
  createdAt: string;
  updatedAt: string;
  /** Stream sequence of the fact that made this version. */
  sequence: number;
}

/**
 * Every tenant's alert rules, in memory, from the CONFIG stream (`alert-rule.saved/deleted`): what the
 * rules API reads and what the evaluator matches events against. Rebuilt at every start; ready once it
 * has applied what was on the stream then.
 */
@Injectable()
export class RuleDirectory extends ConfigFactsFollower implements RuleSet {
  private readonly byTenant = new Map<string, Map<string, StoredRule>>();
  /** The list per tenant, made once per change: the evaluator asks for it on every event. */
  private readonly lists = new Map<string, StoredRule[]>();
  /** Per tenant and event type, the rules an event of that type can concern (made once per change). */
  private readonly candidateLists = new Map<string, Map<string, StoredRule[]>>();

  constructor(
    client: NatsClient,
    @Inject(STREAM_NAMES) streams: StreamNames,
    @Inject(LOGGER) logger: Logger,
    readiness: Readiness,
  ) {
    super('alert-rules', client, streams, logger, readiness);
  }

  /** The tenant's rules, oldest first. */
  list(tenantId: string): readonly StoredRule[] {
    let list = this.lists.get(tenantId);
    if (!list) this.lists.set(tenantId, (list = [...(this.byTenant.get(tenantId)?.values() ?? [])]));
    return list;
  }

  /** Every tenant's rules of one kind (the absence clock looks at all of them every second). */
  *allOfKind(kind: 'match' | 'absence'): Iterable<StoredRule> {
    for (const rules of this.byTenant.values()) {
      for (const rule of rules.values()) if (rule.rule.kind === kind) yield rule;
    }
  }

  /**
   * The rules an event of this type and source can match or resolve: those whose `match` (or
   * `resolve.match`) type and source admit it (exact, glob, or not given). The others cannot concern
   * it, so the evaluator skips them without testing a condition. Made once per tenant, type and source.
   */
  candidates(tenantId: string, type: string, source: string): readonly StoredRule[] {
    let cache = this.candidateLists.get(tenantId);
    if (!cache) this.candidateLists.set(tenantId, (cache = new Map()));
    const key = `${type}\u0000${source}`;
    let list = cache.get(key);
    if (!list) {
      const admits = (match: MatchSpec) =>
        (match.type === undefined ||
          (match.type.includes('*') ? typeGlob(match.type).matches(type) : match.type === type)) &&
        (match.source === undefined || match.source === source);
      list = this.list(tenantId).filter(
        ({ rule }) =>
          admits(rule.match) || (rule.resolve !== undefined && 'match' in rule.resolve && admits(rule.resolve.match)),
      );
      if (cache.size > 10_000) cache.clear(); // a flood of distinct types or sources must not grow it without end
      cache.set(key, list);
    }
    return list;
  }

  get(tenantId: string, ruleId: string): StoredRule | undefined {
    return this.byTenant.get(tenantId)?.get(ruleId);
  }

  count(tenantId: string): number {
    return this.byTenant.get(tenantId)?.size ?? 0;
  }

  protected apply(fact: ConfigFact, seq: number): void {
    if (fact.kind === 'tenant.deleted') {
      this.byTenant.delete(fact.tenantId);
      this.lists.delete(fact.tenantId);
      this.candidateLists.delete(fact.tenantId);
      return;
    }
    if (fact.kind === 'alert-rule.saved' || fact.kind === 'alert-rule.deleted') {
      this.lists.delete(fact.tenantId);
      this.candidateLists.delete(fact.tenantId);
    }
    if (fact.kind === 'alert-rule.deleted') {
      this.byTenant.get(fact.tenantId)?.delete(fact.ruleId);
      return;
    }
    if (fact.kind !== 'alert-rule.saved') return;
    let rules = this.byTenant.get(fact.tenantId);
    if (!rules) this.byTenant.set(fact.tenantId, (rules = new Map()));
    const previous = rules.get(fact.ruleId);
    const resolve =
      fact.rule.resolve && 'match' in fact.rule.resolve ? new CompiledMatch(fact.rule.resolve.match) : undefined;
    rules.set(fact.ruleId, {
      id: fact.ruleId,
      tenantId: fact.tenantId,
      version: fact.version,
      rule: fact.rule,
      createdAt: previous?.createdAt ?? fact.occurredAt,
      createdAtMs: Date.parse(previous?.createdAt ?? fact.occurredAt),
      updatedAt: fact.occurredAt,
      sequence: seq,
      compiled: {
        match: new CompiledMatch(fact.rule.match),
        resolve,
        ...(fact.rule.kind === 'absence' ? scheduleOf(fact.rule) : {}),
      },
    });
  }
}

/** A check's schedule; none (never judged by the clock) for one the API would have refused. */
function scheduleOf(rule: AlertRuleSpec): { schedule?: CheckSchedule } {
  try {
    return { schedule: new CheckSchedule(rule) };
  } catch {
    return {};
  }
}
