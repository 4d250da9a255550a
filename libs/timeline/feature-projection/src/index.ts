export * from './timeline-events.projection';
export * from './timeline-projection.module';
