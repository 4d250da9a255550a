import { Type, type Static } from '@sinclair/typebox';
import { actorField, codecFor, envelopeFields, Timestamp } from '../envelope';

/**
 * `tenant.rate-limit-set`: an operator changed a tenant's inbound limit ("Need more? Email
 * support", docs/product.md). Published on `<ns>.config.<tenantId>.tenant`.
 */
export const TenantRateLimitSetSchema = Type.Object(
  {
    ...envelopeFields('tenant.rate-limit-set'),
    occurredAt: Timestamp,
    ...actorField,
    perSecond: Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000 }),
    burst: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  },
  { $id: 'tenant.rate-limit-set', additionalProperties: false },
);
export type TenantRateLimitSet = Static<typeof TenantRateLimitSetSchema>;
export const TenantRateLimitSetCodec = codecFor('tenant.rate-limit-set', TenantRateLimitSetSchema);
