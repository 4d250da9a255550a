export * from './problem';
export * from './validate-body';
