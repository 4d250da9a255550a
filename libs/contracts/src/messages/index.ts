export * from './event-ingested';
export * from './tenant-created';
export * from './tenant-rate-limit-set';
export * from './ingest-key-issued';
export * from './api-token-issued';
export * from './alert-rule';
export * from './config-fact';
export * from './dead-letter';
