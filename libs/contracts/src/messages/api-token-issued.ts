import { Type, type Static } from '@sinclair/typebox';
import { actorField, codecFor, envelopeFields, Timestamp, Uuid } from '../envelope';

/**
 * What a tenant API token may do. Each scope includes the ones before it: `read` (timeline, alerts,
 * history, settings), `write` (rules, webhooks, proposals, decisions: every change), `admin` (API
 * tokens, the ingest key, signing secrets: reveal and rotate).
 */
export const API_TOKEN_SCOPES = ['read', 'write', 'admin'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];
export const ApiTokenScopeSchema = Type.Union(API_TOKEN_SCOPES.map((scope) => Type.Literal(scope)));

/**
 * `api-token.issued`: a tenant API token (Bearer token of the management API). Only its SHA-256 is on
 * the log. Every app that serves the tenant API resolves tokens from these facts. A token issued
 * before tokens had names and scopes is the tenant's `initial` token with `admin`.
 * Published on `<ns>.config.<tenantId>.api-token`.
 */
export const ApiTokenIssuedSchema = Type.Object(
  {
    ...envelopeFields('api-token.issued'),
    occurredAt: Timestamp,
    ...actorField,
    tokenId: Uuid,
    tokenHash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    tokenPrefix: Type.String({ maxLength: 32 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    scopes: Type.Optional(Type.Array(ApiTokenScopeSchema, { minItems: 1, maxItems: 3, uniqueItems: true })),
    /** When the token stops working on its own; null or absent: never. */
    expiresAt: Type.Optional(Type.Union([Timestamp, Type.Null()])),
  },
  { $id: 'api-token.issued', additionalProperties: false },
);
export type ApiTokenIssued = Static<typeof ApiTokenIssuedSchema>;
export const ApiTokenIssuedCodec = codecFor('api-token.issued', ApiTokenIssuedSchema);

/** The name of the token a tenant gets at creation (and of one issued before tokens had names). */
export const INITIAL_TOKEN_NAME = 'initial';

/** A token's name and scopes: one issued before tokens had them is the tenant's `initial` admin token. */
export function apiTokenGrantOf(fact: Pick<ApiTokenIssued, 'name' | 'scopes'>): {
  name: string;
  scopes: ApiTokenScope[];
} {
  return { name: fact.name ?? INITIAL_TOKEN_NAME, scopes: fact.scopes ?? ['admin'] };
}

/**
 * `api-token.revoked`: a tenant revoked one of its API tokens; every app refuses it from the moment it
 * applies this fact. Published on `<ns>.config.<tenantId>.api-token`.
 */
export const ApiTokenRevokedSchema = Type.Object(
  {
    ...envelopeFields('api-token.revoked'),
    occurredAt: Timestamp,
    ...actorField,
    tokenId: Uuid,
    tokenPrefix: Type.String({ maxLength: 32 }),
  },
  { $id: 'api-token.revoked', additionalProperties: false },
);
export type ApiTokenRevoked = Static<typeof ApiTokenRevokedSchema>;
export const ApiTokenRevokedCodec = codecFor('api-token.revoked', ApiTokenRevokedSchema);
