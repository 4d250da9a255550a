import { Type, type Static } from '@sinclair/typebox';
import { codecFor, envelopeFields, Timestamp, Uuid } from '../envelope';

/**
 * `api-token.issued`: a tenant API token (Bearer token of the management API). Only its SHA-256 is on
 * the log. Every app that serves the tenant API resolves tokens from these facts.
 * Published on `<ns>.config.<tenantId>.api-token`.
 */
export const ApiTokenIssuedSchema = Type.Object(
  {
    ...envelopeFields('api-token.issued'),
    occurredAt: Timestamp,
    tokenId: Uuid,
    tokenHash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    tokenPrefix: Type.String({ maxLength: 32 }),
  },
  { $id: 'api-token.issued', additionalProperties: false },
);
export type ApiTokenIssued = Static<typeof ApiTokenIssuedSchema>;
export const ApiTokenIssuedCodec = codecFor('api-token.issued', ApiTokenIssuedSchema);
