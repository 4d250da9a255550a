/** The API's shapes the console reads (see docs/*.md for each endpoint). */

export type Severity = 'info' | 'warning' | 'critical';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** What lands on the timeline (docs/timeline.md, "Kinds of entries"). */
export type EntryKind =
  'event' | 'alert.fired' | 'alert.resolved' | 'proposal.created' | 'proposal.approved' | 'proposal.rejected';

/** One item of `GET /api/v1/events`, and the data of the live stream's `entry` events. */
export interface TimelineEntry {
  id: string;
  kind: EntryKind;
  type: string;
  module: string;
  source: string;
  summary: string;
  severity: Severity;
  payload: unknown;
  receivedAt: string;
  refId?: string;
  correlationId: string;
  sequence: number;
}
