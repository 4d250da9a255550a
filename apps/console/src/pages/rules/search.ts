export interface AlertsSearch {
  state?: 'firing' | 'resolved';
}
export interface ProposalsSearch {
  state?: string;
}

export function validateAlertsSearch(search: Record<string, unknown>): AlertsSearch {
  return search.state === 'firing' || search.state === 'resolved' ? { state: search.state } : {};
}

export function validateProposalsSearch(search: Record<string, unknown>): ProposalsSearch {
  return typeof search.state === 'string' && search.state ? { state: search.state } : {};
}
