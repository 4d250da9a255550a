export * from './delivery/http-sender';
export * from './outbound-options';
export * from './webhooks.module';
export * from './webhooks/webhook-directory';
export * from './deliveries.module';
