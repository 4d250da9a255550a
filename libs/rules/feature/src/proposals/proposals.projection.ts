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
import { applyProposalFact } from '@daalu/rules/data-access';

const CODECS: Record<string, MessageCodec<ProposalFact>> = {
  'proposal.created': ProposalCreatedCodec as MessageCodec<ProposalFact>,
  'proposal.approved': ProposalApprovedCodec as MessageCodec<ProposalFact>,
  'proposal.rejected': ProposalRejectedCodec as MessageCodec<ProposalFact>,
};

/** Proposals and their decisions, from their facts on the log (the `proposal` table). */
export class ProposalsProjection implements Projection<ProposalFact | null> {
  readonly name = 'proposals';
  readonly stream: string;
  readonly filterSubject: string;

  constructor(streams: StreamNames, subjects: Subjects) {
    this.stream = streams.events;
    this.filterSubject = subjects.allProposals;
  }

  decode(msg: JsMsg): ProposalFact | null {
    const codec = CODECS[msg.headers?.get(HEADER_KIND) ?? ''];
    return codec ? codec.decode(msg.data) : null;
  }

  async apply(batch: Sequenced<ProposalFact | null>[], manager: EntityManager): Promise<void> {
    for (const { seq, message } of batch) if (message) await applyProposalFact(manager, message, seq);
  }

  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE proposal`);
  }
}
