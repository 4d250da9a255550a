/** Settings of the timeline features (from the app's validated config). */
export interface TimelineOptions {
  /** Days an entry stays on the timeline; older day partitions are dropped whole. */
  retentionDays: number;
}

export const TIMELINE_OPTIONS = Symbol('TIMELINE_OPTIONS');

/** The PostgreSQL channel the projection notifies, in the same transaction, when it commits entries. */
export const TIMELINE_CHANNEL = 'timeline_entries';

/** What a notification on TIMELINE_CHANNEL says: the last log position applied, and for which tenants. */
export interface TimelineCommitted {
  sequence: number;
  /** Absent when the batch touched too many tenants to list: every listener should look. */
  tenants?: string[];
}
