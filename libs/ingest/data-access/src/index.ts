import { CreateInboundRequest1764230400101 } from './migrations/1764230400101-create-inbound-request';
import { InboundRequestTextBodies1764230400102 } from './migrations/1764230400102-inbound-request-text-bodies';
import { InboundRequestLeanIndexes1764230400103 } from './migrations/1764230400103-inbound-request-lean-indexes';
import { InboundSuppressed1764230400104 } from './migrations/1764230400104-inbound-suppressed';

export * from './inbound-request.entity';
export {
  CreateInboundRequest1764230400101,
  InboundRequestTextBodies1764230400102,
  InboundRequestLeanIndexes1764230400103,
  InboundSuppressed1764230400104,
};

/** The ingest schema's migrations, in order. */
export const INGEST_MIGRATIONS = [
  CreateInboundRequest1764230400101,
  InboundRequestTextBodies1764230400102,
  InboundRequestLeanIndexes1764230400103,
  InboundSuppressed1764230400104,
];
