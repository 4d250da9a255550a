import { createHash } from 'node:crypto';

/** `<system>.<verb>` (deploy.failed, backup.completed): what docs/product.md asks senders to follow. */
const TYPE_SHAPE = /^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$/i;

export function followsTypeShape(type: string): boolean {
  return TYPE_SHAPE.test(type);
}

/** Depth of nested objects/arrays in a JSON value (a plain value is depth 0). */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > limit) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * The event id for a POST with an Idempotency-Key: derived from tenant and key, so a retry produces
 * the same id (and JetStream drops the duplicate within its window). A UUID (version 8, RFC 9562).
 */
export function idempotentEventId(tenantId: string, idempotencyKey: string): string {
  const hex = createHash('sha256').update(`${tenantId}\n${idempotencyKey}`).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
