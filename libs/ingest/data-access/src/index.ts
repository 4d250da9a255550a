import { CreateInboundRequest1764230400101 } from './migrations/1764230400101-create-inbound-request';

export * from './inbound-request.entity';
export { CreateInboundRequest1764230400101 };

/** The ingest schema's migrations, in order. */
export const INGEST_MIGRATIONS = [CreateInboundRequest1764230400101];
