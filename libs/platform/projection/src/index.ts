export * from './database';
export * from './migrations';
export * from './checkpoint.migration';
export * from './projection';
export * from './projection-lock';
export * from './projection-runner';
export * from './projection-host';
export * from './projection.module';
