import { CreateTimelineEvent1764230400001 } from './migrations/1764230400001-create-timeline-event';

export * from './timeline-event.entity';
export { CreateTimelineEvent1764230400001 };

/** The timeline schema's migrations, in order. */
export const TIMELINE_MIGRATIONS = [CreateTimelineEvent1764230400001];
