export * from './problem';
export * from './validate-body';
export * from './query-reader';
export * from './keyset-cursor';
export * from './publish-problem';
export * from './unsafe-input';
export * from './problem-types';
