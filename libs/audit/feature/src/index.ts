export * from './audit.module';
export * from './audit-options';
export * from './audit-rows';
export * from './audit-query';
export * from './audit-config.projection';
export * from './audit-events.projection';
export * from './audit-retention.service';
