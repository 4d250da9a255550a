export * from './well-formed';
export * from './truncate';
export * from './glob';
export * from './storable-json';
export * from './timestamp';
