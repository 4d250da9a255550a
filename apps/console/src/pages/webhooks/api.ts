import { useQuery } from '@tanstack/react-query';
import type { Trigger } from '@daalu/client';
import { daalu, data } from '../../api/client';
import './webhooks.css';

/**
 * The shapes of docs/ingest.md (`GET /api/v1/ingest`) and docs/outbound.md (`/api/v1/webhooks`) are
 * those of @daalu/client (`IngestDetail`, `InboundRequest`, `Webhook`, `WebhookInput`, `Delivery`…),
 * generated from docs/openapi.json.
 */

/** An alert state a webhook can be sent for. */
export type AlertState = NonNullable<Trigger['alerts']>['states'][number];
/** A proposal state a webhook can be sent for. */
export type ProposalState = NonNullable<Trigger['proposals']>['states'][number];

export const webhookKeys = {
  ingest: ['ingest'] as const,
  list: ['webhooks'] as const,
  one: (id: string) => ['webhooks', id] as const,
  deliveries: (id: string) => ['webhooks', id, 'deliveries'] as const,
};

export function useIngest() {
  return useQuery({
    queryKey: webhookKeys.ingest,
    queryFn: ({ signal }) => data(daalu.GET('/api/v1/ingest', { signal })),
  });
}

export function useWebhooks() {
  return useQuery({
    queryKey: webhookKeys.list,
    queryFn: ({ signal }) => data(daalu.GET('/api/v1/webhooks', { signal })),
  });
}

export function useWebhook(id: string) {
  return useQuery({
    queryKey: webhookKeys.one(id),
    queryFn: ({ signal }) => data(daalu.GET('/api/v1/webhooks/{id}', { params: { path: { id } }, signal })),
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
    queryFn: ({ signal }) => data(daalu.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id } }, signal })),
    refetchInterval: (query) =>
      Date.now() < fastUntil || query.state.data?.items.some((d) => d.state === 'pending') ? 2_000 : 20_000,
  });
}

/** "Alerts (fired, resolved; warning and up) · Events: type deploy.*" in words. */
export function triggerSummary(trigger: Trigger): string {
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
