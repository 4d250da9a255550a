export * from './secret-token';
export * from './token-bucket';
export * from './event-shape';
