import { Module } from '@nestjs/common';
import { TenancyModule } from '@daalu/platform/tenancy';
import { AlertRulesController } from './rules/alert-rules.controller';
import { RuleDirectory } from './rules/rule-directory';
import { RuleFactsService } from './rules/rule-facts.service';

/** Alert rules: the CRUD API and the in-memory directory the evaluator matches against. */
@Module({
  imports: [TenancyModule],
  controllers: [AlertRulesController],
  providers: [RuleDirectory, RuleFactsService],
  exports: [RuleDirectory],
})
export class RulesFeatureModule {}
