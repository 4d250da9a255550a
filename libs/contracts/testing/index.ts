import { v7 as uuidv7 } from 'uuid';
import { eventIngested, type ApiTokenIssued, type EventIngested, type TenantCreated } from '../src';

/** The worked example of docs/product.md: the envelope a sender POSTs, exactly as shown there. */
export const PAGE_EXAMPLE_ENVELOPE = {
  type: 'check.failed',
  module: 'custom',
  source: 'nightly-cron',
  summary: 'disk usage on backup host exceeded 90%',
  severity: 'warning',
  payload: { host: 'backup-1', pct: 93 },
} as const;

/** Fixtures for the message contracts: valid messages with overridable fields, for tests only. */
export function anIngestedEvent(tenantId: string, overrides: Partial<EventIngested> = {}): EventIngested {
  const envelope = { ...PAGE_EXAMPLE_ENVELOPE, payload: { ...PAGE_EXAMPLE_ENVELOPE.payload } };
  return { ...eventIngested(overrides.id ?? uuidv7(), tenantId, envelope, new Date().toISOString()), ...overrides };
}

export function aTenantCreated(overrides: Partial<TenantCreated> = {}): TenantCreated {
  const id = overrides.id ?? uuidv7();
  return {
    schemaVersion: 1,
    kind: 'tenant.created',
    id,
    tenantId: overrides.tenantId ?? uuidv7(),
    correlationId: id,
    causationId: null,
    occurredAt: new Date().toISOString(),
    name: 'acme',
    ...overrides,
  };
}

/** An `api-token.issued` fact for a token whose SHA-256 is `tokenHash`. */
export function anApiTokenIssued(tenantId: string, tokenHash: string): ApiTokenIssued {
  const id = uuidv7();
  return {
    schemaVersion: 1,
    kind: 'api-token.issued',
    id,
    tenantId,
    correlationId: id,
    causationId: null,
    occurredAt: new Date().toISOString(),
    tokenId: uuidv7(),
    tokenHash,
    tokenPrefix: 'dat_test…',
  };
}
