export * from './timeline-filter';
export * from './timeline-histogram';
