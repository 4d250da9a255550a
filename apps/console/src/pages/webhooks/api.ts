import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Severity } from '../../api/types';
import './webhooks.css';

/** The shapes of docs/ingest.md (`GET /api/v1/ingest`) and docs/outbound.md (`/api/v1/webhooks`). */

export interface InboundRequest {
  id: string;
  receivedAt: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  eventIds: string[];
  request: { headers: Record<string, string>; body: string; truncated: boolean };
  response: { headers: Record<string, string>; body: unknown };
}

export interface IngestDetail {
  endpoint: string;
  ingestKey: { masked: string; issuedAt: string } | null;
  rateLimit: { perSecond: number; burst: number };
  lastRequest: InboundRequest | null;
  requests: InboundRequest[];
}

export interface IngestKeyRotated {
  ingestKey: string;
  previousKeyExpiresAt: string;
}

export type AlertState = 'fired' | 'resolved';
export type ProposalState = 'created' | 'approved' | 'rejected';

export interface WebhookTrigger {
  alerts?: { minSeverity?: Severity; states: AlertState[] };
  proposals?: { kinds?: string[]; states: ProposalState[] };
  events?: { type?: string; module?: string; source?: string; minSeverity?: Severity };
}

/** The body of POST and PUT /api/v1/webhooks. */
export interface WebhookInput {
  url: string;
  description?: string;
  trigger: WebhookTrigger;
  headers?: Record<string, string>;
  template?: { fields: Record<string, unknown> };
  batch?: { maxEvents: number; maxSeconds: number };
  enabled?: boolean;
}

export interface Webhook {
  id: string;
  version: number;
  url: string;
  description: string;
  trigger: WebhookTrigger;
  enabled: boolean;
  template?: { fields: Record<string, unknown> };
  batch?: { maxEvents: number; maxSeconds: number };
  /** Custom header names; the values are always masked. */
  headers: Record<string, string>;
  /** The current secret first; a rotated-out one has its `expiresAt`. */
  secrets: Array<{ id: string; issuedAt: string; expiresAt: string | null }>;
  createdAt: string;
  updatedAt: string;
}

export interface CreatedWebhook extends Webhook {
  secret: string;
}

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  durationMs: number;
  request: { headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string } | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  state: 'pending' | 'delivered' | 'failed';
  factKind: string;
  factId: string;
  createdAt: string;
  attemptsCount: number;
  nextAttemptAt: string | null;
  finishedAt: string | null;
  attempts: DeliveryAttempt[];
}

export interface DeliveryHistory {
  items: Delivery[];
  lastDelivery: Delivery | null;
}

export const webhookKeys = {
  ingest: ['ingest'] as const,
  list: ['webhooks'] as const,
  one: (id: string) => ['webhooks', id] as const,
  deliveries: (id: string) => ['webhooks', id, 'deliveries'] as const,
};

export function useIngest() {
  return useQuery({
    queryKey: webhookKeys.ingest,
    queryFn: ({ signal }) => api<IngestDetail>('/api/v1/ingest', { signal }),
  });
}

export function useWebhooks() {
  return useQuery({
    queryKey: webhookKeys.list,
    queryFn: ({ signal }) => api<{ items: Webhook[] }>('/api/v1/webhooks', { signal }),
  });
}

export function useWebhook(id: string) {
  return useQuery({
    queryKey: webhookKeys.one(id),
    queryFn: ({ signal }) => api<Webhook>(`/api/v1/webhooks/${encodeURIComponent(id)}`, { signal }),
  });
}

/**
 * The history, refreshed while the page is open: every 2 s while a delivery is pending or just after
 * the page asked for one (`fastUntil`, epoch ms: a test event or a redelivery lands within moments),
 * otherwise every 20 s (the answer can be large: 100 deliveries with their attempts).
 */
export function useDeliveries(id: string, fastUntil = 0) {
  return useQuery({
    queryKey: webhookKeys.deliveries(id),
    queryFn: ({ signal }) => api<DeliveryHistory>(`/api/v1/webhooks/${encodeURIComponent(id)}/deliveries`, { signal }),
    refetchInterval: (query) =>
      Date.now() < fastUntil || query.state.data?.items.some((d) => d.state === 'pending') ? 2_000 : 20_000,
  });
}

/** "Alerts (fired, resolved; warning and up) · Events: type deploy.*" in words. */
export function triggerSummary(trigger: WebhookTrigger): string {
  const parts: string[] = [];
  if (trigger.alerts) {
    const severity = trigger.alerts.minSeverity ? `; ${trigger.alerts.minSeverity} and up` : '';
    parts.push(`Alerts ${trigger.alerts.states.join(', ')}${severity}`);
  }
  if (trigger.proposals) {
    const kinds = trigger.proposals.kinds?.length ? `; kinds ${trigger.proposals.kinds.join(', ')}` : '';
    parts.push(`Proposals ${trigger.proposals.states.join(', ')}${kinds}`);
  }
  if (trigger.events) {
    const { type, module, source, minSeverity } = trigger.events;
    const filters = [
      type && `type ${type}`,
      module && `module ${module}`,
      source && `source ${source}`,
      minSeverity && `${minSeverity} and up`,
    ].filter(Boolean);
    parts.push(filters.length ? `Events: ${filters.join(', ')}` : 'Every event');
  }
  return parts.join(' · ') || 'Nothing';
}
