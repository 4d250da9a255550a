import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager } from 'typeorm';
import {
  decodeEventStreamFact,
  HEADER_KIND,
  type EventStreamFact,
  type StreamNames,
  type Subjects,
} from '@daalu/contracts';
import type { Projection, Sequenced } from '@daalu/platform/projection';
import type { ApiTokenDirectory } from '@daalu/platform/tenancy';
import { deleteStreamAudit, type AuditTargetType } from '@daalu/audit/data-access';
import { applyAuditBatch, type AuditMessage } from './audit-projection';
import type { AuditedFact } from './audit-rows';

export const AUDIT_PROPOSALS_PROJECTION = 'audit-proposals';
export const AUDIT_ALERTS_PROJECTION = 'audit-alerts';

const DAY_MS = 86_400_000;

/** What one of the EVENTS stream's audit projections reads, keeps, and owns of the entries. */
interface AuditEventsSource {
  name: string;
  filterSubject(subjects: Subjects): string;
  /** The fact as an entry, or null for one that is nobody's doing (stepped over). */
  audited(fact: EventStreamFact): AuditedFact | null;
  /** The entries it writes, which its rebuild empties (the two projections share the stream's entries). */
  targetTypes: AuditTargetType[];
}

/** Proposals and their decisions (`<ns>.proposals.>`). */
export const AUDITED_PROPOSALS: AuditEventsSource = {
  name: AUDIT_PROPOSALS_PROJECTION,
  filterSubject: (subjects) => subjects.allProposals,
  audited: (fact) => (fact.kind.startsWith('proposal.') ? (fact as AuditedFact) : null),
  targetTypes: ['proposal'],
};

/**
 * What people did to alerts (`<ns>.alerts.*`): acknowledged, unacknowledged, resolved by hand,
 * silenced (a silence created or ended early), paused or resumed a heartbeat check. What the evaluator does on its own (fired, resolved
 * by a rule) is nobody's doing and is stepped over.
 */
export const AUDITED_ALERTS: AuditEventsSource = {
  name: AUDIT_ALERTS_PROJECTION,
  filterSubject: (subjects) => subjects.allAlerts,
  audited: (fact) => {
    switch (fact.kind) {
      case 'alert.acknowledged':
      case 'alert.unacknowledged':
      case 'silence.created':
      case 'silence.expired':
      case 'check.paused':
      case 'check.resumed':
        return fact;
      case 'alert.resolved':
        return fact.reason === 'manual' ? fact : null;
      default:
        return null;
    }
  },
  targetTypes: ['alert', 'silence', 'check'],
};

/**
 * People's facts on the EVENTS stream into the audit log. They age out with the stream (AuditRetention
 * prunes them); a fact already past that age (a replay of an old log) is not recorded. A kind this
 * version does not know is skipped; bad bytes are poison.
 */
export class AuditEventsProjection implements Projection<AuditMessage> {
  readonly name: string;
  /** Ingest does not wait for the audit log: catching up leaves the gateway ready. */
  readonly gatesReadiness = false;
  readonly stream: string;
  readonly filterSubject: string;

  constructor(
    private readonly source: AuditEventsSource,
    streams: StreamNames,
    subjects: Subjects,
    private readonly apiTokens: ApiTokenDirectory,
    private readonly retentionDays: number,
    private readonly now: () => number = Date.now,
  ) {
    this.name = source.name;
    this.stream = streams.events;
    this.filterSubject = source.filterSubject(subjects);
  }

  decode(msg: JsMsg): AuditMessage {
    // Every fact on these subjects says its kind in a header; a message without one is no fact of ours.
    if (!msg.headers?.get(HEADER_KIND)) return null;
    const fact = decodeEventStreamFact(msg.headers, msg.data);
    return fact ? this.source.audited(fact) : null;
  }

  apply(batch: Sequenced<AuditMessage>[], manager: EntityManager): Promise<void> {
    const cutoff = this.now() - this.retentionDays * DAY_MS;
    return applyAuditBatch(batch, manager, this.stream, this.apiTokens, (row) => Date.parse(row.occurredAt) >= cutoff);
  }

  async reset(manager: EntityManager): Promise<void> {
    for (const targetType of this.source.targetTypes) await deleteStreamAudit(manager, this.stream, targetType);
  }
}
