import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  configCodecFor,
  type AlertRuleDeleted,
  type AlertRuleSaved,
  type AlertRuleSpec,
  type MessageCodec,
  type Subjects,
} from '@daalu/contracts';
import { JetStreamPublisher, SUBJECTS } from '@daalu/platform/jetstream';
import { problem, ProblemException } from '@daalu/platform/http';
import { RuleDirectory, type StoredRule } from './rule-directory';

/** At most this many rules per tenant (each is matched against every event of the tenant). */
export const MAX_RULES_PER_TENANT = 1000;

/**
 * Writes alert-rule facts to the CONFIG stream, then waits until this replica's directory applied them,
 * so a rule is readable (and evaluated) as soon as the API answered.
 */
@Injectable()
export class RuleFactsService {
  constructor(
    private readonly publisher: JetStreamPublisher,
    private readonly directory: RuleDirectory,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
  ) {}

  async create(tenantId: string, rule: AlertRuleSpec): Promise<StoredRule> {
    if (this.directory.count(tenantId) >= MAX_RULES_PER_TENANT) {
      throw new ProblemException(
        problem(409, 'too-many-rules', 'Too many rules', `at most ${MAX_RULES_PER_TENANT} alert rules per tenant`),
      );
    }
    const ruleId = uuidv7();
    await this.save(tenantId, ruleId, 1, rule);
    return this.directory.get(tenantId, ruleId)!;
  }

  async replace(tenantId: string, ruleId: string, rule: AlertRuleSpec): Promise<StoredRule> {
    const current = this.directory.get(tenantId, ruleId);
    if (!current) throw notFound();
    await this.save(tenantId, ruleId, current.version + 1, rule);
    return this.directory.get(tenantId, ruleId)!;
  }

  async delete(tenantId: string, ruleId: string): Promise<void> {
    if (!this.directory.get(tenantId, ruleId)) throw notFound();
    const id = uuidv7();
    const fact = {
      schemaVersion: 1 as const,
      kind: 'alert-rule.deleted' as const,
      id,
      tenantId,
      correlationId: id,
      causationId: null,
      occurredAt: new Date().toISOString(),
      ruleId,
    };
    await this.publish(tenantId, fact);
  }

  private async save(tenantId: string, ruleId: string, version: number, rule: AlertRuleSpec): Promise<void> {
    const id = uuidv7();
    const fact = {
      schemaVersion: 1 as const,
      kind: 'alert-rule.saved' as const,
      id,
      tenantId,
      correlationId: id,
      causationId: null,
      occurredAt: new Date().toISOString(),
      ruleId,
      version,
      rule,
    };
    await this.publish(tenantId, fact);
  }

  private async publish(tenantId: string, fact: AlertRuleSaved | AlertRuleDeleted): Promise<void> {
    let seq: number;
    try {
      const codec = configCodecFor(fact.kind) as MessageCodec<AlertRuleSaved | AlertRuleDeleted>;
      seq = (await this.publisher.publish(this.subjects.config(tenantId, 'alert-rule'), codec, fact)).seq;
    } catch {
      throw new ProblemException(problem(503, 'unavailable', 'Service unavailable', 'the event log is not available'), {
        'Retry-After': '1',
      });
    }
    await this.directory.waitFor(seq);
  }
}

export const notFound = () => new ProblemException(problem(404, 'not-found', 'Not found', 'no such alert rule'));
