export * from './event-view';
export * from './compiled-match';
export * from './summary-template';
export * from './grouping';
export * from './dedup-key';
export * from './silence-window';
