export * from './timeline-filter';
