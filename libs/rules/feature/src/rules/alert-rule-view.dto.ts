import { ApiProperty, ApiSchema, OmitType } from '@nestjs/swagger';
import { AlertRuleDto } from './alert-rule.dto';

/** An alert rule as the API shows it: the rule as written, defaults filled, with its id and version. */
@ApiSchema({ name: 'AlertRule' })
export class AlertRuleView extends OmitType(AlertRuleDto, ['enabled']) {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: '1 when created, then +1 on every change' })
  version: number;

  @ApiProperty({ description: 'Whether it fires' })
  enabled: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

@ApiSchema({ name: 'AlertRulePage' })
export class AlertRulePageView {
  @ApiProperty({ type: () => [AlertRuleView], description: 'Every rule of the tenant, oldest first (one page)' })
  items: AlertRuleView[];

  @ApiProperty({ type: 'string', nullable: true, description: 'Always null: one page holds every rule' })
  nextCursor: string | null;
}
