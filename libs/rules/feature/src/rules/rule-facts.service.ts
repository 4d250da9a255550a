import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  configCodecFor,
  userFactHeader,
  type AlertRuleDeleted,
  type AlertRuleSaved,
  type AlertRuleSpec,
  type MessageCodec,
  type Subjects,
} from '@daalu/contracts';
import { JetStreamPublisher, SUBJECTS } from '@daalu/platform/jetstream';
import { problem, ProblemException, publishFailureProblem } from '@daalu/platform/http';
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

  async create(tenantId: string, rule: AlertRuleSpec, actor: string): Promise<StoredRule> {
    if (this.directory.count(tenantId) >= MAX_RULES_PER_TENANT) {
      throw new ProblemException(
        problem(409, 'too-many-rules', 'Too many rules', `at most ${MAX_RULES_PER_TENANT} alert rules per tenant`),
      );
    }
    const ruleId = uuidv7();
    await this.save(tenantId, ruleId, 1, rule, 0, actor);
    return this.directory.get(tenantId, ruleId)!;
  }

  async replace(tenantId: string, ruleId: string, rule: AlertRuleSpec, actor: string): Promise<StoredRule> {
    const current = this.directory.get(tenantId, ruleId);
    if (!current) throw notFound();
    await this.save(tenantId, ruleId, current.version + 1, rule, current.sequence, actor);
    return this.directory.get(tenantId, ruleId)!;
  }

  async delete(tenantId: string, ruleId: string, actor: string): Promise<void> {
    const current = this.directory.get(tenantId, ruleId);
    if (!current) throw notFound();
    await this.publish(tenantId, { ...factHeader('alert-rule.deleted', tenantId, actor), ruleId }, current.sequence);
  }

  private async save(
    tenantId: string,
    ruleId: string,
    version: number,
    rule: AlertRuleSpec,
    expectLastSubjectSequence: number,
    actor: string,
  ): Promise<void> {
    const fact = { ...factHeader('alert-rule.saved', tenantId, actor), ruleId, version, rule };
    await this.publish(tenantId, fact, expectLastSubjectSequence);
  }

  /**
   * On the rule's own subject (`<ns>.config.<tenant>.alert-rule.<ruleId>`), expecting the sequence of
   * the rule's last fact (0 for a new rule): of two concurrent changes of one rule, the second is a 409.
   */
  private async publish(
    tenantId: string,
    fact: AlertRuleSaved | AlertRuleDeleted,
    expectLastSubjectSequence: number,
  ): Promise<void> {
    let seq: number;
    try {
      const codec = configCodecFor(fact.kind) as MessageCodec<AlertRuleSaved | AlertRuleDeleted>;
      const subject = `${this.subjects.config(tenantId, 'alert-rule')}.${fact.ruleId}`;
      seq = (await this.publisher.publish(subject, codec, fact, { expectLastSubjectSequence })).seq;
    } catch (error) {
      throw publishFailureProblem(error, 'the rule changed meanwhile; read it and retry');
    }
    await this.directory.waitFor(seq);
  }
}

/** The envelope of a rule fact: a change of its own is its own correlation. */
function factHeader<K extends 'alert-rule.saved' | 'alert-rule.deleted'>(kind: K, tenantId: string, actor: string) {
  return { ...userFactHeader(kind, tenantId, uuidv7()), occurredAt: new Date().toISOString(), actor };
}

export const notFound = () => new ProblemException(problem(404, 'not-found', 'Not found', 'no such alert rule'));
