export * from './probe';
export * from './nats-server-process';
export * from './embedded-postgres';
export * from './ensure-services';
