import ipaddr from 'ipaddr.js';

/** Ordinary requests and long-lived event streams are counted (and capped) apart. */
export type Kind = 'request' | 'stream';

export interface AdmissionLimits {
  /** In flight per client address, by kind. */
  perClient: Record<Kind, number>;
  /** In flight through this origin, all clients together, by kind. */
  total: Record<Kind, number>;
}

/**
 * The client a request counts against: its IPv4 address, or its IPv6 /64 (one site's prefix: a host
 * picks any address of its /64 at will, so counting single IPv6 addresses would cap nothing).
 */
export function clientKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  return `${(address as ipaddr.IPv6).parts
    .slice(0, 4)
    .map((part) => part.toString(16))
    .join(':')}::/64`;
}

/** Why a request was refused: the client's own cap or the origin's total. */
export type Refusal = { scope: 'client' | 'total'; kind: Kind; limit: number };

/**
 * Counts what each client address has in flight through the origin, and refuses (the caller answers
 * 503 + Retry-After) what would pass a cap: so one client, or a crowd of slow ones, cannot take every
 * connection the origin has to an app. `admit` returns a release function to call exactly once when
 * the answer is finished or the client went away.
 */
export class Admission {
  private readonly byClient: Record<Kind, Map<string, number>> = { request: new Map(), stream: new Map() };
  private readonly totals: Record<Kind, number> = { request: 0, stream: 0 };

  constructor(private readonly limits: AdmissionLimits) {}

  admit(client: string, kind: Kind): { release: () => void } | Refusal {
    const counts = this.byClient[kind];
    const current = counts.get(client) ?? 0;
    if (current >= this.limits.perClient[kind]) return { scope: 'client', kind, limit: this.limits.perClient[kind] };
    if (this.totals[kind] >= this.limits.total[kind]) return { scope: 'total', kind, limit: this.limits.total[kind] };
    counts.set(client, current + 1);
    this.totals[kind] += 1;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.totals[kind] -= 1;
        const left = (counts.get(client) ?? 1) - 1;
        if (left <= 0) counts.delete(client);
        else counts.set(client, left);
      },
    };
  }

  /** What is in flight now (for tests and diagnostics). */
  inFlight(kind: Kind, client?: string): number {
    return client === undefined ? this.totals[kind] : (this.byClient[kind].get(client) ?? 0);
  }
}
