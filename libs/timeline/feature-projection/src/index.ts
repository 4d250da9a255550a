export * from './timeline-events.projection';
export * from './timeline-projection.module';
export * from './timeline-retention.service';
export * from './timeline-options';
