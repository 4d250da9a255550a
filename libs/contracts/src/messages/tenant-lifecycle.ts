import { Type, type Static } from '@sinclair/typebox';
import { actorField, codecFor, envelopeFields, Timestamp } from '../envelope';

/**
 * `tenant.suspended`: an operator suspended a tenant. Its ingest and its API tokens are refused with
 * 403 until `tenant.resumed`; nothing is deleted. Published on `<ns>.config.<tenantId>.tenant`.
 */
export const TenantSuspendedSchema = Type.Object(
  {
    ...envelopeFields('tenant.suspended'),
    occurredAt: Timestamp,
    ...actorField,
    reason: Type.String({ maxLength: 500 }),
  },
  { $id: 'tenant.suspended', additionalProperties: false },
);
export type TenantSuspended = Static<typeof TenantSuspendedSchema>;
export const TenantSuspendedCodec = codecFor('tenant.suspended', TenantSuspendedSchema);

/** `tenant.resumed`: an operator lifted a suspension. Published on `<ns>.config.<tenantId>.tenant`. */
export const TenantResumedSchema = Type.Object(
  { ...envelopeFields('tenant.resumed'), occurredAt: Timestamp, ...actorField },
  { $id: 'tenant.resumed', additionalProperties: false },
);
export type TenantResumed = Static<typeof TenantResumedSchema>;
export const TenantResumedCodec = codecFor('tenant.resumed', TenantResumedSchema);

/**
 * `tenant.deleted`: an operator deleted a tenant. Before it is published, every earlier fact on the
 * tenant's CONFIG subjects is purged (sealed secrets, key and token hashes), so this is the only config
 * fact left of the tenant; every app then removes the tenant's rows from its own projection and skips
 * its facts still on the log until they age out. Published on `<ns>.config.<tenantId>.tenant`.
 */
export const TenantDeletedSchema = Type.Object(
  { ...envelopeFields('tenant.deleted'), occurredAt: Timestamp, ...actorField },
  { $id: 'tenant.deleted', additionalProperties: false },
);
export type TenantDeleted = Static<typeof TenantDeletedSchema>;
export const TenantDeletedCodec = codecFor('tenant.deleted', TenantDeletedSchema);
