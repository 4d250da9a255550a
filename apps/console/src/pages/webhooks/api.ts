import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { Schema, Trigger, Webhook, WebhookDeliveries, WebhookInput } from '@daalu/client';
import { daalu, data } from '../../api/client';
import { describeCondition } from '../../ui/conditions';
import { deliveriesParams, type DeliveriesSearch } from './search';
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

/** A receiver's health, as every webhook carries it (docs/outbound.md, "Receiver health"). */
export type WebhookHealth = Schema<'WebhookHealth'>;
export type HealthState = WebhookHealth['state'];
export type Recovery = Schema<'Recovery'>;
export type RecoverableState = Recovery['status'][number];
export type WebhookStats = Schema<'WebhookStats'>;

export const webhookKeys = {
  ingest: ['ingest'] as const,
  /** `GET /api/v1/ingest-key`: the current key's prefix and the rotated-out one while it still works. */
  ingestKey: ['ingest-key'] as const,
  list: ['webhooks'] as const,
  one: (id: string) => ['webhooks', id] as const,
  /** Every read of the history (each filter's pages, the last delivery): invalidated together. */
  deliveries: (id: string) => ['webhooks', id, 'deliveries'] as const,
  history: (id: string, filters: DeliveriesSearch) => ['webhooks', id, 'deliveries', 'history', filters] as const,
  last: (id: string) => ['webhooks', id, 'deliveries', 'last'] as const,
  stats: (id: string) => ['webhooks', id, 'stats'] as const,
  recovery: (id: string, recoveryId: string) => ['webhooks', id, 'recoveries', recoveryId] as const,
};

/** The inbound endpoint and its latest requests; `refreshMs`: read again that often while the tab shows. */
export function useIngest(refreshMs?: number) {
  return useQuery({
    queryKey: webhookKeys.ingest,
    queryFn: ({ signal }) => data(daalu.GET('/api/v1/ingest', { signal })),
    refetchInterval: refreshMs ?? false,
  });
}

/** The ingest key's rotation state (prefixes only), read again each minute while shown (the old key expires on its own). */
export function useIngestKeyState() {
  return useQuery({
    queryKey: webhookKeys.ingestKey,
    queryFn: ({ signal }) => data(daalu.GET('/api/v1/ingest-key', { signal })),
    refetchInterval: 60_000,
  });
}

/** Every webhook with its health; `refreshMs`: read again that often while shown (the list's health). */
export function useWebhooks(refreshMs?: number) {
  return useQuery({
    queryKey: webhookKeys.list,
    queryFn: ({ signal }) => data(daalu.GET('/api/v1/webhooks', { signal })),
    refetchInterval: refreshMs ?? false,
  });
}

/** One webhook with its health; `refreshMs`: read again that often (the detail page, not the edit form). */
export function useWebhook(id: string, refreshMs?: number) {
  return useQuery({
    queryKey: webhookKeys.one(id),
    queryFn: ({ signal }) => data(daalu.GET('/api/v1/webhooks/{id}', { params: { path: { id } }, signal })),
    refetchInterval: refreshMs ?? false,
  });
}

/** How often the history is read again: every 2 s while something is pending or was just asked for, else 20 s. */
function historyInterval(fastUntil: number, pending: boolean): number {
  return Date.now() < fastUntil || pending ? 2_000 : 20_000;
}

const hasPending = (pages: WebhookDeliveries[] | undefined) =>
  !!pages?.some((page) => page.items.some((d) => d.state === 'pending'));

/** Deliveries a page of the history holds (the API's most). */
export const HISTORY_PAGE = 100;

/**
 * The history under the URL's filters, newest first, a page at a time (`nextCursor`: Load older).
 * Refreshed while the page is open: every 2 s while a delivery is pending or just after the page asked
 * for one (`fastUntil`, epoch ms: a test event, a redelivery or a recovery lands within moments),
 * otherwise every 20 s. A refresh reads the pages again from the newest, following the new cursors, so
 * nothing is shown twice.
 */
export function useHistory(id: string, filters: DeliveriesSearch, fastUntil = 0) {
  return useInfiniteQuery({
    queryKey: webhookKeys.history(id, filters),
    queryFn: ({ pageParam, signal }) =>
      data(
        daalu.GET('/api/v1/webhooks/{id}/deliveries', {
          params: { path: { id }, query: deliveriesParams(filters, { limit: HISTORY_PAGE, cursor: pageParam }) },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (query) => historyInterval(fastUntil, hasPending(query.state.data?.pages)),
  });
}

/** The webhook's last delivery whatever the filters (one delivery with its attempts), refreshed like the history. */
export function useLastDelivery(id: string, fastUntil = 0) {
  return useQuery({
    queryKey: webhookKeys.last(id),
    queryFn: ({ signal }) =>
      data(daalu.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id }, query: { limit: 1 } }, signal })),
    select: (answer) => answer.lastDelivery,
    refetchInterval: (query) => historyInterval(fastUntil, query.state.data?.lastDelivery?.state === 'pending'),
  });
}

/** Attempts per hour over the last 24 h, read again every minute. */
export function useStats(id: string) {
  return useQuery({
    queryKey: webhookKeys.stats(id),
    queryFn: ({ signal }) => data(daalu.GET('/api/v1/webhooks/{id}/stats', { params: { path: { id } }, signal })),
    refetchInterval: 60_000,
  });
}

/** A recovery's progress, read every second until it is done. */
export function useRecovery(id: string, recoveryId: string) {
  return useQuery({
    queryKey: webhookKeys.recovery(id, recoveryId),
    queryFn: ({ signal }) =>
      data(
        daalu.GET('/api/v1/webhooks/{id}/recoveries/{recoveryId}', { params: { path: { id, recoveryId } }, signal }),
      ),
    refetchInterval: (query) => (query.state.data?.state === 'done' ? false : 1_000),
  });
}

/**
 * The webhook as a PUT body, enabled: its own fields only (the API refuses unknown ones), and no
 * `headers`, so the stored custom headers stay as they are (their values cannot be read back).
 */
export function enabledBody(webhook: Webhook): WebhookInput {
  return {
    url: webhook.url,
    description: webhook.description,
    trigger: webhook.trigger,
    ...(webhook.template ? { template: webhook.template } : {}),
    ...(webhook.batch ? { batch: webhook.batch } : {}),
    ...(webhook.delivery ? { delivery: webhook.delivery } : {}),
    enabled: true,
  };
}

/** What a webhook is called on its page and in titles: its description, else its URL. */
export function webhookName(webhook: Pick<Webhook, 'description' | 'url'>): string {
  return webhook.description.trim() || webhook.url;
}

/** "97.5%", or "—" without attempts. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  const value = rate * 100;
  return `${value === 100 || value === 0 ? value.toFixed(0) : value.toFixed(1)}%`;
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
    const { type, module, source, minSeverity, payload } = trigger.events;
    const filters = [
      type && `type ${type}`,
      module && `module ${module}`,
      source && `source ${source}`,
      minSeverity && `${minSeverity} and up`,
      ...(payload ?? []).map(describeCondition),
    ].filter(Boolean);
    parts.push(filters.length ? `Events: ${filters.join(', ')}` : 'Every event');
  }
  return parts.join(' · ') || 'Nothing';
}
