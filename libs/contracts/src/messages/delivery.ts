import { Type, type Static } from '@sinclair/typebox';
import { codecFor, envelopeFields, Timestamp, Uuid } from '../envelope';

/**
 * `delivery.requested`: a webhook's trigger fired on a fact, so the dispatcher is to POST it. On
 * `<ns>.deliveries.<tenantId>` (the DELIVERIES work stream), with the delivery id as Nats-Msg-Id: the
 * id is derived from the webhook and the fact, so a replay requests it once. It is also the
 * `webhook-id` every attempt carries.
 */
export const DeliveryRequestedSchema = Type.Object(
  {
    ...envelopeFields('delivery.requested'),
    deliveryId: Uuid,
    webhookId: Uuid,
    /** The fact that triggered it: its kind, id, and the fact itself (the default body's `data`). */
    factKind: Type.String({ maxLength: 64 }),
    factId: Uuid,
    fact: Type.Record(Type.String(), Type.Unknown()),
    requestedAt: Timestamp,
  },
  { $id: 'delivery.requested', additionalProperties: false },
);
export type DeliveryRequested = Static<typeof DeliveryRequestedSchema>;

/**
 * The `factKind` of a batch-mode webhook's delivery: `factId` is the batch id and `fact` is `{size}`;
 * the facts themselves are in the dispatcher's database (a batch can be megabytes, above a message's
 * size), and the POST carries them as a JSON array.
 */
export const DELIVERY_BATCH_KIND = 'delivery.batch';
export const DeliveryRequestedCodec = codecFor('delivery.requested', DeliveryRequestedSchema);
