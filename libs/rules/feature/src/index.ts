export * from './rules-feature.module';
export * from './rules/rule-directory';
export * from './evaluation/evaluation.module';
export * from './evaluation/alert-evaluation.projection';
export * from './proposals/proposals.module';
