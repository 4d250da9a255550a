import { HEADER_KIND } from '../headers';
import type { MessageCodec } from '../envelope';
import {
  AlertAcknowledgedCodec,
  AlertFiredCodec,
  AlertResolvedCodec,
  AlertUnacknowledgedCodec,
  AlertUnsilencedCodec,
  type AlertAcknowledged,
  type AlertFired,
  type AlertResolved,
  type AlertUnacknowledged,
  type AlertUnsilenced,
} from './alert';
import { SilenceCreatedCodec, SilenceExpiredCodec, type SilenceCreated, type SilenceExpired } from './silence';
import { CheckPausedCodec, CheckResumedCodec, type CheckPaused, type CheckResumed } from './check';
import { EventIngestedCodec, type EventIngested } from './event-ingested';
import { ProposalApprovedCodec, ProposalCreatedCodec, ProposalRejectedCodec, type ProposalFact } from './proposal';

/** Every kind of fact on the EVENTS stream: what lands on the timeline, and what webhooks fire on. */
export type EventStreamFact =
  | EventIngested
  | AlertFired
  | AlertResolved
  | AlertAcknowledged
  | AlertUnacknowledged
  | AlertUnsilenced
  | SilenceCreated
  | SilenceExpired
  | CheckPaused
  | CheckResumed
  | ProposalFact;

/** The alert facts: what the rule evaluator and people do to an alert. */
export type AlertFact = AlertFired | AlertResolved | AlertAcknowledged | AlertUnacknowledged | AlertUnsilenced;

/** The silence facts, on the alerts' subject. */
export type SilenceFact = SilenceCreated | SilenceExpired;

/** A heartbeat check paused or resumed, on the alerts' subject. */
export type CheckFact = CheckPaused | CheckResumed;

const CODECS: Record<EventStreamFact['kind'], MessageCodec<EventStreamFact>> = {
  'event.ingested': EventIngestedCodec as MessageCodec<EventStreamFact>,
  'alert.fired': AlertFiredCodec as MessageCodec<EventStreamFact>,
  'alert.resolved': AlertResolvedCodec as MessageCodec<EventStreamFact>,
  'alert.acknowledged': AlertAcknowledgedCodec as MessageCodec<EventStreamFact>,
  'alert.unacknowledged': AlertUnacknowledgedCodec as MessageCodec<EventStreamFact>,
  'alert.unsilenced': AlertUnsilencedCodec as MessageCodec<EventStreamFact>,
  'silence.created': SilenceCreatedCodec as MessageCodec<EventStreamFact>,
  'silence.expired': SilenceExpiredCodec as MessageCodec<EventStreamFact>,
  'check.paused': CheckPausedCodec as MessageCodec<EventStreamFact>,
  'check.resumed': CheckResumedCodec as MessageCodec<EventStreamFact>,
  'proposal.created': ProposalCreatedCodec as MessageCodec<EventStreamFact>,
  'proposal.approved': ProposalApprovedCodec as MessageCodec<EventStreamFact>,
  'proposal.rejected': ProposalRejectedCodec as MessageCodec<EventStreamFact>,
};

/**
 * Decodes an EVENTS stream message by its Daalu-Kind header (an ingested event when it has none).
 * Returns null for a kind this version does not know (a newer app wrote it): readers skip those.
 */
export function decodeEventStreamFact(
  headers: { get(key: string): string } | undefined,
  data: Uint8Array,
): EventStreamFact | null {
  const kind = (headers?.get(HEADER_KIND) || 'event.ingested') as EventStreamFact['kind'];
  const codec = CODECS[kind];
  return codec ? codec.decode(data) : null;
}

/**
 * When a fact of the EVENTS stream happened, as it says itself: an event's `receivedAt`, an alert's
 * time of the transition it records, anything else's `occurredAt`.
 */
export function occurredAtOf(fact: EventStreamFact): string {
  switch (fact.kind) {
    case 'event.ingested':
      return fact.receivedAt;
    case 'alert.fired':
      return fact.firedAt;
    case 'alert.resolved':
      return fact.resolvedAt;
    case 'alert.acknowledged':
      return fact.acknowledgedAt;
    case 'alert.unacknowledged':
      return fact.unacknowledgedAt;
    case 'alert.unsilenced':
      return fact.unsilencedAt;
    default:
      return fact.occurredAt;
  }
}
