import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import {
  ProposalApprovedCodec,
  ProposalCreatedCodec,
  ProposalRejectedCodec,
  userFactHeader,
  type ProposalApproved,
  type ProposalRejected,
  type Subjects,
} from '@daalu/contracts';
import { problem, ProblemException, publishFailureProblem } from '@daalu/platform/http';
import { JetStreamPublisher, SUBJECTS } from '@daalu/platform/jetstream';
import { findProposal, type ProposalView } from '@daalu/rules/data-access';
import { readOnceApplied } from '../read-once-applied';

const notFound = () => new ProblemException(problem(404, 'not-found', 'Not found', 'no such proposal'));

/**
 * Proposals as facts: created with its subject's expected last sequence 0, decided with the sequence of
 * its last fact, so two decisions (approve and reject at once) can never both land: the second is a 409.
 * Answers once this replica's projection shows the change.
 */
@Injectable()
export class ProposalsService {
  constructor(
    private readonly publisher: JetStreamPublisher,
    private readonly dataSource: DataSource,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
  ) {}

  async create(
    tenantId: string,
    actor: string,
    kind: string,
    title: string,
    payload: Record<string, unknown>,
  ): Promise<ProposalView> {
    const proposalId = uuidv7();
    const fact = {
      ...this.envelope('proposal.created' as const, tenantId),
      occurredAt: new Date().toISOString(),
      proposalId,
      proposalKind: kind,
      title,
      actor,
      payload,
    };
    const seq = await this.publish(this.subjects.proposal(tenantId, proposalId), () =>
      this.publisher.publish(this.subjects.proposal(tenantId, proposalId), ProposalCreatedCodec, fact, {
        expectLastSubjectSequence: 0,
      }),
    );
    return this.projected(tenantId, proposalId, seq);
  }

  async decide(
    tenantId: string,
    proposalId: string,
    decision: 'approved' | 'rejected',
    actor: string,
    reason: string | null,
  ): Promise<ProposalView> {
    const current = await findProposal(this.dataSource, tenantId, proposalId);
    if (!current) throw notFound();
    if (current.view.state !== 'pending') throw alreadyDecided(current.view.state);
    const subject = this.subjects.proposal(tenantId, proposalId);
    const base = {
      occurredAt: new Date().toISOString(),
      proposalId,
      proposalKind: current.view.kind,
      title: current.view.title,
      actor,
      reason,
    };
    const options = { expectLastSubjectSequence: current.lastSeq };
    const seq = await this.publish(subject, () =>
      decision === 'approved'
        ? this.publisher.publish(
            subject,
            ProposalApprovedCodec,
            {
              ...this.envelope('proposal.approved' as const, tenantId),
              ...base,
            } satisfies ProposalApproved,
            options,
          )
        : this.publisher.publish(
            subject,
            ProposalRejectedCodec,
            {
              ...this.envelope('proposal.rejected' as const, tenantId),
              ...base,
            } satisfies ProposalRejected,
            options,
          ),
    );
    return this.projected(tenantId, proposalId, seq);
  }

  private envelope<K extends string>(kind: K, tenantId: string) {
    return userFactHeader(kind, tenantId, uuidv7());
  }

  private async publish(subject: string, publish: () => Promise<{ seq: number }>): Promise<number> {
    try {
      return (await publish()).seq;
    } catch (error) {
      throw publishFailureProblem(error, `${subject} changed meanwhile: decided already`);
    }
  }

  /** Waits until the projection applied the fact at `seq` (read-your-writes), then reads the proposal. */
  private async projected(tenantId: string, proposalId: string, seq: number): Promise<ProposalView> {
    const found = await readOnceApplied(
      () => findProposal(this.dataSource, tenantId, proposalId),
      (proposal) => proposal.lastSeq >= seq,
      'stored, but not yet readable here; read it again shortly',
    );
    return found.view;
  }
}

function alreadyDecided(state: string): ProblemException {
  return new ProblemException(problem(409, 'already-decided', 'Already decided', `the proposal is ${state} already`));
}
