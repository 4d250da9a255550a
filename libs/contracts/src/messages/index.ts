export * from './event-ingested';
export * from './tenant-created';
export * from './dead-letter';
