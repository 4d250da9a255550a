export * from './platform.module';
export * from './create-app';
export * from './run-app';
