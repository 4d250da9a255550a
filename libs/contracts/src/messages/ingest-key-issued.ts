import { Type, type Static } from '@sinclair/typebox';
import { actorField, codecFor, envelopeFields, Timestamp, Uuid } from '../envelope';

/**
 * `ingest-key.issued`: a tenant got a new ingest key (at creation, or by rotation). Only the key's
 * SHA-256 and its public prefix are on the log, never the key. On rotation the previous key keeps
 * working until `previousKeyExpiresAt`. Published on `<ns>.config.<tenantId>.ingest-key`.
 */
export const IngestKeyIssuedSchema = Type.Object(
  {
    ...envelopeFields('ingest-key.issued'),
    occurredAt: Timestamp,
    ...actorField,
    keyId: Uuid,
    keyHash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    keyPrefix: Type.String({ maxLength: 32 }),
    previousKeyId: Type.Union([Uuid, Type.Null()]),
    previousKeyExpiresAt: Type.Union([Timestamp, Type.Null()]),
  },
  { $id: 'ingest-key.issued', additionalProperties: false },
);
export type IngestKeyIssued = Static<typeof IngestKeyIssuedSchema>;
export const IngestKeyIssuedCodec = codecFor('ingest-key.issued', IngestKeyIssuedSchema);

/**
 * `ingest-key.previous-revoked`: the key rotated out is refused from now on, before its grace period
 * ends (a leaked key). Published on `<ns>.config.<tenantId>.ingest-key`.
 */
export const IngestKeyPreviousRevokedSchema = Type.Object(
  {
    ...envelopeFields('ingest-key.previous-revoked'),
    occurredAt: Timestamp,
    ...actorField,
    keyId: Uuid,
  },
  { $id: 'ingest-key.previous-revoked', additionalProperties: false },
);
export type IngestKeyPreviousRevoked = Static<typeof IngestKeyPreviousRevokedSchema>;
export const IngestKeyPreviousRevokedCodec = codecFor('ingest-key.previous-revoked', IngestKeyPreviousRevokedSchema);
