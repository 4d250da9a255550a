export * from './ingest-feature.module';
export * from './events/ingest-http';
export * from './shared/clock';
export * from './shared/ingest-options';
export * from './credentials/credential-directory';
export * from './history/inbound-history';
