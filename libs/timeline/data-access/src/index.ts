import { CreateTimelineEvent1764230400001 } from './migrations/1764230400001-create-timeline-event';
import { PartitionedTimelineEntry1764230400002 } from './migrations/1764230400002-partitioned-timeline-entry';

export * from './timeline-entries';
export * from './timeline-partitions';

/** The timeline schema's migrations, in order. */
export const TIMELINE_MIGRATIONS = [CreateTimelineEvent1764230400001, PartitionedTimelineEntry1764230400002];
