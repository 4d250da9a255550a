/**
 * Headers that describe one connection (client to origin, origin to app), not the message: never
 * passed on either way (the origin answers `Expect: 100-continue` itself; undici refuses these).
 */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'expect',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'http2-settings',
];

/** A copy of `headers` without the hop-by-hop ones. */
export function withoutHopByHop<T extends Record<string, unknown>>(headers: T): T {
  const kept: Record<string, unknown> = { ...headers };
  for (const name of HOP_BY_HOP) delete kept[name];
  return kept as T;
}
