export * from './delivery/http-sender';
