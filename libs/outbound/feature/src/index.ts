export * from './delivery/http-sender';
export * from './outbound-options';
export * from './webhooks.module';
export * from './webhooks/webhook-directory';
export * from './deliveries.module';
export * from './reseal/reseal.command';
export * from './reseal/reseal.module';
export * from './reseal/secret-resealer';
