export * from './secret-token';
export * from './config-facts-follower';
export * from './api-token-directory';
export * from './tenant.guard';
export * from './tenancy.module';
