import { Type, type Static } from '@sinclair/typebox';
import { codecFor, envelopeFields, Timestamp, userFactHeader } from '../envelope';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const Severity = Type.Union(SEVERITIES.map((s) => Type.Literal(s)));

/** Rank of a severity, for "at or above" comparisons. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/**
 * `event.ingested`: one event a sender POSTed, as stored on the log after the gateway validated it.
 * Published on `<ns>.events.<tenantId>`. The tenant comes from the ingest key, never from the body.
 */
export const EventIngestedSchema = Type.Object(
  {
    ...envelopeFields('event.ingested'),
    type: Type.String({ minLength: 1, maxLength: 128 }),
    module: Type.String({ minLength: 1, maxLength: 64 }),
    source: Type.String({ minLength: 1, maxLength: 128 }),
    summary: Type.String({ minLength: 1, maxLength: 1024 }),
    severity: Severity,
    payload: Type.Record(Type.String(), Type.Unknown()),
    receivedAt: Timestamp,
  },
  { $id: 'event.ingested', additionalProperties: false },
);
export type EventIngested = Static<typeof EventIngestedSchema>;
export const EventIngestedCodec = codecFor('event.ingested', EventIngestedSchema);

/** What a sender's envelope contributes to an `event.ingested` fact. */
export type IngestedEnvelope = Pick<EventIngested, 'type' | 'module' | 'source' | 'summary' | 'severity' | 'payload'>;

/** The `event.ingested` fact for an envelope: a sender's event starts its own correlation chain. */
export function eventIngested(
  id: string,
  tenantId: string,
  envelope: IngestedEnvelope,
  receivedAt: string,
): EventIngested {
  return { ...userFactHeader('event.ingested', tenantId, id), ...envelope, receivedAt };
}
