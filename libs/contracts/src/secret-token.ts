import { hash, randomBytes } from 'node:crypto';

/**
 * Secrets Daalu hands out: a recognisable prefix (so secret scanners can spot a leaked one), 32 random
 * bytes, and a CRC-32 checksum (so a typo is rejected before any lookup), all in base62:
 *
 *   dik_<43 chars random><6 chars checksum>   ingest key (X-Daalu-Key)
 *   dat_<43 chars random><6 chars checksum>   tenant API token (Authorization: Bearer)
 *
 * Only SHA-256 of a secret is ever stored; with 256 random bits a fast hash is enough.
 */
export const TOKEN_KINDS = { 'ingest-key': 'dik', 'api-token': 'dat' } as const;
export type TokenKind = keyof typeof TOKEN_KINDS;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const BASE62 = /^[0-9A-Za-z]+$/;

export function generateToken(kind: TokenKind): string {
  const body = toBase62(randomBytes(32), BODY_LENGTH);
  return `${TOKEN_KINDS[kind]}_${body}${checksum(body)}`;
}

/** True when `value` has the shape and checksum of a token of this kind. */
export function isWellFormedToken(kind: TokenKind, value: string): boolean {
  const prefix = `${TOKEN_KINDS[kind]}_`;
  if (value.length !== prefix.length + BODY_LENGTH + CHECKSUM_LENGTH || !value.startsWith(prefix)) return false;
  if (!BASE62.test(value.slice(prefix.length))) return false;
  const body = value.slice(prefix.length, prefix.length + BODY_LENGTH);
  // Compare as numbers: decoding 6 characters is cheaper than encoding the CRC (this runs per request).
  return fromBase62(value.slice(prefix.length + BODY_LENGTH)) === crc32(Buffer.from(body, 'ascii'));
}

export function hashToken(value: string): string {
  // The one-shot hash: no Hash object per call (this runs per request).
  return hash('sha256', value, 'hex');
}

/** What may be shown of a token later: its kind prefix and first 4 characters, e.g. `dik_7fQ2…`. */
export function tokenPrefix(value: string): string {
  return `${value.slice(0, value.indexOf('_') + 5)}…`;
}

function checksum(body: string): string {
  return toBase62(crc32(Buffer.from(body, 'ascii')), CHECKSUM_LENGTH);
}

function fromBase62(text: string): number {
  let value = 0;
  for (const char of text) value = value * 62 + ALPHABET.indexOf(char);
  return value;
}

function toBase62(input: Buffer | number, length: number): string {
  let value = typeof input === 'number' ? BigInt(input) : BigInt(`0x${input.toString('hex')}`);
  let out = '';
  while (out.length < length) {
    out = ALPHABET[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
