/**
 * Cuts that never split a character: a cut by UTF-16 index can leave half of a surrogate pair (an
 * emoji), which is ill-formed text that PostgreSQL refuses. These cut on code point boundaries.
 */

const ELLIPSIS = '…';

/** At most `max` UTF-16 units, cut before a surrogate pair rather than through it. */
export function truncateUnits(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = Math.max(0, max);
  const code = value.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end--; // a high surrogate whose pair is cut off
  return value.slice(0, end);
}

/** `value`, or its first `max - 1` units and an ellipsis when longer than `max` (at most `max` units). */
export function truncateWithEllipsis(value: string, max: number): string {
  return value.length <= max ? value : `${truncateUnits(value, max - ELLIPSIS.length)}${ELLIPSIS}`;
}

/** At most `maxBytes` bytes of UTF-8, cut on a character boundary. */
export function truncateUtf8(value: string, maxBytes: number): string {
  if (value.length * 3 <= maxBytes || Buffer.byteLength(value, 'utf8') <= maxBytes) return value;
  const bytes = Buffer.from(value, 'utf8');
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the character the cut falls in.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
