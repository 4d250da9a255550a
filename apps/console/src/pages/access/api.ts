import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { Schema } from '@daalu/client';
import { daalu, data } from '../../api/client';
import type { AuditSearch } from './search';
import './access.css';

/**
 * The shapes of `/api/v1/api-tokens` and `/api/v1/audit` (docs/audit.md) are those of @daalu/client
 * (`ApiToken`, `CreateApiToken`, `CreatedApiToken`, `AuditEntry`), generated from docs/openapi.json.
 */
export type ApiToken = Schema<'ApiToken'>;
export type CreateApiToken = Schema<'CreateApiToken'>;
export type ApiTokenScope = ApiToken['scopes'][number];
export type AuditEntry = Schema<'AuditEntry'>;
export type AuditAction = AuditEntry['action'];

/** Each scope includes the ones before it: the choice is one of them. */
export const SCOPES: Array<{ scope: ApiTokenScope; label: string; explains: string }> = [
  { scope: 'read', label: 'Read', explains: 'read the timeline, alerts and delivery history; change nothing' },
  { scope: 'write', label: 'Write', explains: 'everything read allows, and every change (rules, webhooks, proposals)' },
  {
    scope: 'admin',
    label: 'Admin',
    explains: 'everything write allows, and API tokens, the ingest key, signing secrets and the audit log',
  },
];

export const accessKeys = {
  tokens: ['api-tokens'] as const,
  audit: (filters: AuditSearch) => ['audit', filters] as const,
};

export function useApiTokens() {
  return useQuery({
    queryKey: accessKeys.tokens,
    queryFn: ({ signal }) => data(daalu.GET('/api/v1/api-tokens', { signal })),
  });
}

export function createApiToken(body: CreateApiToken) {
  return data(daalu.POST('/api/v1/api-tokens', { body }));
}

export async function revokeApiToken(id: string): Promise<void> {
  await data(daalu.DELETE('/api/v1/api-tokens/{id}', { params: { path: { id } } }));
}

/** Entries a page of the audit log holds. */
export const AUDIT_PAGE = 50;

/** The audit log under the URL's filters, newest first, a page at a time (`nextCursor`: Load older). */
export function useAudit(filters: AuditSearch) {
  return useInfiniteQuery({
    queryKey: accessKeys.audit(filters),
    queryFn: ({ pageParam, signal }) =>
      data(
        daalu.GET('/api/v1/audit', {
          params: {
            query: {
              action: filters.action,
              actor: filters.actor,
              since: filters.since,
              until: filters.until,
              limit: AUDIT_PAGE,
              cursor: pageParam,
            },
          },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Older pages never change under the reader; the newest is read again when the page is opened.
    refetchOnWindowFocus: false,
  });
}

/** Every action of docs/audit.md, in its order (the compiler checks each against the API's list). */
export const AUDIT_ACTIONS = [
  'tenant.created',
  'tenant.rate-limit-set',
  'tenant.suspended',
  'tenant.resumed',
  'ingest-key.issued',
  'ingest-key.rotated',
  'ingest-key.previous-revoked',
  'api-token.issued',
  'api-token.revoked',
  'alert-rule.created',
  'alert-rule.updated',
  'alert-rule.deleted',
  'alert.acknowledged',
  'alert.unacknowledged',
  'alert.resolved',
  'silence.created',
  'silence.expired',
  'check.paused',
  'check.resumed',
  'webhook.created',
  'webhook.updated',
  'webhook.disabled',
  'webhook.deleted',
  'webhook.secret-issued',
  'webhook.secret-rotated',
  'webhook.secret-revealed',
  'webhook.resealed',
  'proposal.created',
  'proposal.approved',
  'proposal.rejected',
] as const satisfies readonly AuditAction[];

// And none is missing: a new action in the API fails to compile here until it is listed above.
type Missing = Exclude<AuditAction, (typeof AUDIT_ACTIONS)[number]>;
const _allListed: [Missing] extends [never] ? true : Missing = true;

/** `webhook.*`, `api-token.*`…: the prefixes the actions share, in the same order. */
export const AUDIT_PREFIXES = [...new Set(AUDIT_ACTIONS.map((a) => a.slice(0, a.indexOf('.'))))].map((p) => `${p}.*`);

/** An entry's details in one short line: `prefix=dat_Ab…, scopes=write`. */
export function detailsSummary(details: Record<string, unknown>, max = 140): string {
  const parts = Object.entries(details)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  const text = parts.join(', ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
