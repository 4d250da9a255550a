export interface WebhooksSearch {
  tab: 'inbound' | 'outbound';
}

export function validateWebhooksSearch(search: Record<string, unknown>): WebhooksSearch {
  return { tab: search.tab === 'outbound' ? 'outbound' : 'inbound' };
}
