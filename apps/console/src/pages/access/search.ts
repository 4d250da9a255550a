/** The audit log's filters, all in the URL (every field optional: the nav link passes `{}`). */
export interface AuditSearch {
  /** An action (`api-token.issued`) or a prefix (`webhook.*`), as `GET /api/v1/audit?action=` takes it. */
  action?: string;
  /** Part of the actor, any case. */
  actor?: string;
  /** RFC 3339; `since` inclusive, `until` exclusive. */
  since?: string;
  until?: string;
}

/** Keeps what the API can be asked (a hand-made link's odd value goes to the API, which names it in a 400). */
export function validateAuditSearch(search: Record<string, unknown>): AuditSearch {
  const out: AuditSearch = {};
  for (const name of ['action', 'actor', 'since', 'until'] as const) {
    const value = search[name];
    if (typeof value === 'string' && value.trim() !== '') out[name] = value.trim().slice(0, 200);
  }
  return out;
}
