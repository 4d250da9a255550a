import { CreateDelivery1764230400301 } from './migrations/1764230400301-create-delivery';
import { DeliveryRequest1764230400302 } from './migrations/1764230400302-delivery-request';
import { DeliveryBatch1764230400303 } from './migrations/1764230400303-delivery-batch';
import { WebhookHealth1764230400304 } from './migrations/1764230400304-webhook-health';
import { DeliveryLatency1764230400305 } from './migrations/1764230400305-delivery-latency';

export * from './batches';
export * from './deliveries';
export * from './delivery-history';
export * from './health';
export * from './recoveries';

/** The outbound schema's migrations, in order. */
export const OUTBOUND_MIGRATIONS = [
  CreateDelivery1764230400301,
  DeliveryRequest1764230400302,
  DeliveryBatch1764230400303,
  WebhookHealth1764230400304,
  DeliveryLatency1764230400305,
];
