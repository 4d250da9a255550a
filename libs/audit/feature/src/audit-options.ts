export const AUDIT_OPTIONS = Symbol('AUDIT_OPTIONS');

export interface AuditOptions {
  /** How long the EVENTS stream keeps facts (DAALU_EVENT_RETENTION_DAYS): proposal entries go with them. */
  eventRetentionDays: number;
}
