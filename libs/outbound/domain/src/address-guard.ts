import ipaddr from 'ipaddr.js';

/**
 * Which addresses a webhook may never reach (SSRF): loopback, private (RFC 1918, unique local),
 * link-local (and with it the cloud metadata address 169.254.169.254), carrier-grade NAT, unspecified,
 * multicast and reserved ranges, and their IPv4-mapped and IPv4-compatible IPv6 forms: only globally
 * routable unicast addresses pass (IPv6: 2000::/3). An operator allowlist (CIDRs, e.g.
 * `127.0.0.0/8` for development and tests) lets chosen ranges through. Checked when a webhook is saved
 * and again on every connection (a name can resolve elsewhere by then: DNS rebinding).
 */
const REFUSED_RANGES = new Set([
  'unspecified',
  'broadcast',
  'multicast',
  'linkLocal',
  'loopback',
  'private',
  'carrierGradeNat',
  'reserved',
  'uniqueLocal',
  'ipv4Mapped',
  'rfc6145',
  'rfc6052',
  '6to4',
  'teredo',
  'benchmarking',
  'amt',
  'as112',
  'deprecated',
  'orchid2',
  'droneRemoteIdProtocolEntityTags',
]);

const GLOBAL_UNICAST_V6 = ipaddr.parse('2000::');

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

export class AddressGuard {
  private readonly allow: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

  /** `allowlist`: CIDRs that are reachable although refused by default. */
  constructor(allowlist: readonly string[] = []) {
    this.allow = allowlist.map((cidr) => ipaddr.parseCIDR(cidr));
  }

  /** Throws on a CIDR that does not parse (for config validation at start-up). */
  static validCidr(cidr: string): boolean {
    try {
      ipaddr.parseCIDR(cidr);
      return true;
    } catch {
      return false;
    }
  }

  check(address: string): AddressVerdict {
    if (!ipaddr.isValid(address)) return { allowed: false, reason: `${address} is not an IP address` };
    let ip = ipaddr.parse(address);
    // ::ffff:127.0.0.1 is 127.0.0.1.
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
    if (this.allow.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits)))
      return { allowed: true };
    const range = ip.range();
    if (REFUSED_RANGES.has(range)) return { allowed: false, reason: `${address} is a ${describe(range)} address` };
    // Positively: only globally routable unicast. For IPv6 that is 2000::/3; everything else (the
    // IPv4-compatible ::a.b.c.d, which reaches IPv4 hosts on some stacks, and ranges not yet named) is refused.
    if (range !== 'unicast') return { allowed: false, reason: `${address} is a reserved (${range}) address` };
    if (ip.kind() === 'ipv6' && !ip.match(GLOBAL_UNICAST_V6, 3))
      return { allowed: false, reason: `${address} is not a global unicast IPv6 address (2000::/3)` };
    return { allowed: true };
  }
}

function describe(range: string): string {
  const words: Record<string, string> = {
    loopback: 'loopback',
    private: 'private',
    uniqueLocal: 'private (unique local)',
    linkLocal: 'link-local (cloud metadata lives here)',
    carrierGradeNat: 'carrier-grade NAT',
    unspecified: 'unspecified',
  };
  return words[range] ?? `reserved (${range})`;
}
