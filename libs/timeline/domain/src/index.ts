export * from './timeline-filter';
export * from './timeline-cursor';
