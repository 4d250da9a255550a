export * from './token-bucket';
export * from './gossip-rate-limiter';
