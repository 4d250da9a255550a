import { CreateDelivery1764230400301 } from './migrations/1764230400301-create-delivery';

export * from './deliveries';

/** The outbound schema's migrations, in order. */
export const OUTBOUND_MIGRATIONS = [CreateDelivery1764230400301];
