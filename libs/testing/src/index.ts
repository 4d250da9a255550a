export * from './test-env';
export * from './test-database';
export * from './test-nats';
export * from './test-logger';
export * from './wait';
export * from './free-port';
export * from './private-nats';
export * from './app-process';
