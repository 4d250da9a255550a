import { Type, type Static } from '@sinclair/typebox';
import { codecFor, envelopeFields, Timestamp, Uuid } from '../envelope';

const proposalFields = {
  occurredAt: Timestamp,
  proposalId: Uuid,
  /** What kind of change it proposes (freeform, e.g. `change`, `scale`, `rollback`). */
  proposalKind: Type.String({ minLength: 1, maxLength: 64 }),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  /** Who did it: for a decision, the name the caller gave (`by`), else its API token's prefix. */
  actor: Type.String({ minLength: 1, maxLength: 200 }),
};

/**
 * `proposal.created`: someone proposed a change. Published on `<ns>.proposals.<tenantId>.<proposalId>`
 * (in the EVENTS stream, so it lands on the timeline) with expected-last-subject-sequence 0.
 */
export const ProposalCreatedSchema = Type.Object(
  {
    ...envelopeFields('proposal.created'),
    ...proposalFields,
    payload: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'proposal.created', additionalProperties: false },
);
export type ProposalCreated = Static<typeof ProposalCreatedSchema>;
export const ProposalCreatedCodec = codecFor('proposal.created', ProposalCreatedSchema);

/**
 * `proposal.approved` / `proposal.rejected`: the decision on a pending proposal, published with the
 * proposal subject's last sequence expected, so two decisions can never both land.
 */
export const ProposalDecidedSchema = (kind: 'proposal.approved' | 'proposal.rejected') =>
  Type.Object(
    {
      ...envelopeFields(kind),
      ...proposalFields,
      reason: Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]),
    },
    { $id: kind, additionalProperties: false },
  );
export const ProposalApprovedSchema = ProposalDecidedSchema('proposal.approved');
export const ProposalRejectedSchema = ProposalDecidedSchema('proposal.rejected');
export type ProposalApproved = Static<typeof ProposalApprovedSchema>;
export type ProposalRejected = Static<typeof ProposalRejectedSchema>;
export const ProposalApprovedCodec = codecFor('proposal.approved', ProposalApprovedSchema);
export const ProposalRejectedCodec = codecFor('proposal.rejected', ProposalRejectedSchema);

export type ProposalFact = ProposalCreated | ProposalApproved | ProposalRejected;
