/**
 * Headers that describe one connection (client to origin, origin to app), not the message: never
 * passed on either way (the origin answers `Expect: 100-continue` itself; undici refuses these).
 */
export const HOP_BY_HOP = [
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
