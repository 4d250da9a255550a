import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager } from 'typeorm';
import {
  HEADER_KIND,
  ProposalApprovedCodec,
  ProposalCreatedCodec,
  ProposalRejectedCodec,
  type MessageCodec,
  type ProposalFact,
  type StreamNames,
  type Subjects,
} from '@daalu/contracts';
import type { Projection, Sequenced } from '@daalu/platform/projection';
import type { ApiTokenDirectory } from '@daalu/platform/tenancy';
import { deleteStreamAudit } from '@daalu/audit/data-access';
import { applyAuditBatch, type AuditMessage } from './audit-projection';

export const AUDIT_PROPOSALS_PROJECTION = 'audit-proposals';

const DAY_MS = 86_400_000;

const CODECS: Record<string, MessageCodec<ProposalFact>> = {
  'proposal.created': ProposalCreatedCodec as MessageCodec<ProposalFact>,
  'proposal.approved': ProposalApprovedCodec as MessageCodec<ProposalFact>,
  'proposal.rejected': ProposalRejectedCodec as MessageCodec<ProposalFact>,
};

/**
 * Proposals and their decisions (`<ns>.proposals.>` of the EVENTS stream) into the audit log. They age out
 * with the stream (AuditRetention prunes them); a fact already past that age (a replay of an old log) is
 * not recorded.
 */
export class AuditProposalsProjection implements Projection<AuditMessage> {
  readonly name = AUDIT_PROPOSALS_PROJECTION;
  /** Ingest does not wait for the audit log: catching up (a first start replays CONFIG) leaves the gateway ready. */
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
    this.filterSubject = subjects.allProposals;
  }

  /** By its kind header; a kind this version does not know is skipped (null); bad bytes are poison. */
  decode(msg: JsMsg): AuditMessage {
    const codec = CODECS[msg.headers?.get(HEADER_KIND) ?? ''];
    return codec ? codec.decode(msg.data) : null;
  }

  apply(batch: Sequenced<AuditMessage>[], manager: EntityManager): Promise<void> {
    const cutoff = this.now() - this.retentionDays * DAY_MS;
    return applyAuditBatch(batch, manager, this.stream, this.apiTokens, (row) => Date.parse(row.occurredAt) >= cutoff);
  }

  reset(manager: EntityManager): Promise<void> {
    return deleteStreamAudit(manager, this.stream, 'proposal');
  }
}
