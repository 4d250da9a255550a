import { Type, type Static } from '@sinclair/typebox';
import { actorField, codecFor, envelopeFields, Timestamp } from '../envelope';

/**
 * `tenant.created`: an operator created a tenant. Published on `<ns>.config.<tenantId>.tenant`
 * with expected-last-subject-sequence 0, so a tenant id is created once.
 */
export const TenantCreatedSchema = Type.Object(
  {
    ...envelopeFields('tenant.created'),
    occurredAt: Timestamp,
    ...actorField,
    name: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { $id: 'tenant.created', additionalProperties: false },
);
export type TenantCreated = Static<typeof TenantCreatedSchema>;
export const TenantCreatedCodec = codecFor('tenant.created', TenantCreatedSchema);
