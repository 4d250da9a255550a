export * from './token-bucket';
export * from './event-shape';
