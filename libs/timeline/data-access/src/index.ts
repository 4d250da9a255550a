import { CreateTimelineEvent1764230400001 } from './migrations/1764230400001-create-timeline-event';
import { PartitionedTimelineEntry1764230400002 } from './migrations/1764230400002-partitioned-timeline-entry';
import { DeferredIndex1764230400003 } from './migrations/1764230400003-deferred-index';
import { EventTypeCatalog1764230400004 } from './migrations/1764230400004-event-type-catalog';

export * from './timeline-entries';
export * from './timeline-partitions';
export * from './deferred-indexes';
export * from './event-types';

/** The timeline schema's migrations, in order. */
export const TIMELINE_MIGRATIONS = [
  CreateTimelineEvent1764230400001,
  PartitionedTimelineEntry1764230400002,
  DeferredIndex1764230400003,
  EventTypeCatalog1764230400004,
];
