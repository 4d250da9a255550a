import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager } from 'typeorm';
import { decodeEventStreamFact, type StreamNames, type Subjects } from '@daalu/contracts';
import type { Projection, Sequenced } from '@daalu/platform/projection';
import type { ApiTokenDirectory } from '@daalu/platform/tenancy';
import { deleteStreamAudit } from '@daalu/audit/data-access';
import { applyAuditBatch, type AuditMessage } from './audit-projection';

export const AUDIT_ALERTS_PROJECTION = 'audit-alerts';

const DAY_MS = 86_400_000;

/**
 * What people did to alerts (`<ns>.alerts.*` of the EVENTS stream) into the audit log: acknowledged,
 * unacknowledged, resolved by hand, silenced (a silence created or ended early). What the evaluator does on its own (fired, resolved by a rule) is
 * not a person's doing and is stepped over. Entries age out with the stream, as proposals' do.
 */
export class AuditAlertsProjection implements Projection<AuditMessage> {
  readonly name = AUDIT_ALERTS_PROJECTION;
  /** Ingest does not wait for the audit log. */
  readonly gatesReadiness = false;
  readonly stream: string;
  readonly filterSubject: string;

  constructor(
    streams: StreamNames,
    subjects: Subjects,
    private readonly apiTokens: ApiTokenDirectory,
    private readonly retentionDays: number,
    private readonly now: () => number = Date.now,
  ) {
    this.stream = streams.events;
    this.filterSubject = subjects.allAlerts;
  }

  decode(msg: JsMsg): AuditMessage {
    const fact = decodeEventStreamFact(msg.headers, msg.data);
    switch (fact?.kind) {
      case 'alert.acknowledged':
      case 'alert.unacknowledged':
      case 'silence.created':
      case 'silence.expired':
        return fact;
      case 'alert.resolved':
        return fact.reason === 'manual' ? fact : null;
      default:
        return null;
    }
  }

  apply(batch: Sequenced<AuditMessage>[], manager: EntityManager): Promise<void> {
    const cutoff = this.now() - this.retentionDays * DAY_MS;
    return applyAuditBatch(batch, manager, this.stream, this.apiTokens, (row) => Date.parse(row.occurredAt) >= cutoff);
  }

  async reset(manager: EntityManager): Promise<void> {
    await deleteStreamAudit(manager, this.stream, 'alert');
    await deleteStreamAudit(manager, this.stream, 'silence');
  }
}
