import { CreateAuditEntry1764230400400 } from './migrations/1764230400400-create-audit-entry';

export * from './audit-entries';
export { CreateAuditEntry1764230400400 };

/** The audit log's migrations, in order (they run in the ingest gateway's schema). */
export const AUDIT_MIGRATIONS = [CreateAuditEntry1764230400400];
