export * from './rules-feature.module';
export * from './rules/rule-directory';
