export * from './timeline-query.module';
export * from './timeline-notifier';
