import type { AlertRuleSpec } from '@daalu/contracts';
import type { CompiledMatch } from '../compiled-match';
import type { CheckSchedule } from './check-schedule';

/** A tenant's rule as the evaluator judges with it: its spec and what was compiled of it once. */
export interface RuleOfTenant {
  id: string;
  tenantId: string;
  version: number;
  rule: AlertRuleSpec;
  /** When it was created (epoch ms): a rule judges only events received after it existed. */
  createdAtMs: number;
  compiled: { match: CompiledMatch; resolve?: CompiledMatch; schedule?: CheckSchedule };
}

/** Where the machine finds the rules (the evaluator's in-memory directory of every tenant's rules). */
export interface RuleSet {
  /** The rules an event of this type and source may concern (by their match or resolve type and source). */
  candidates(tenantId: string, type: string, source: string): readonly RuleOfTenant[];
  get(tenantId: string, ruleId: string): RuleOfTenant | undefined;
  allOfKind(kind: 'match' | 'absence'): Iterable<RuleOfTenant>;
}
