import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How deliveries are signed, so that receivers verify them with what they already have:
 *  - `X-Daalu-Signature`: the lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the signing
 *    secret as it is shown (its text), which is what the receiver in docs/product.md computes:
 *      printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET"
 *  - the Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`), keyed with
 *    the secret's base64 part as that specification says, so its verification libraries work unchanged
 *    and receivers get replay protection (the timestamp is signed).
 * A secret is `whsec_` + 32 random bytes in base64: the Standard Webhooks format.
 */
export const SECRET_PREFIX = 'whsec_';

export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

export function isSigningSecret(value: string): boolean {
  if (!value.startsWith(SECRET_PREFIX)) return false;
  const key = Buffer.from(value.slice(SECRET_PREFIX.length), 'base64');
  return key.length >= 24 && key.toString('base64') === value.slice(SECRET_PREFIX.length);
}

/** `X-Daalu-Signature`: hex HMAC-SHA256 of the body, keyed with the secret's text. */
export function daaluSignature(secret: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** One Standard Webhooks signature (`v1,<base64>`) of `<id>.<timestamp>.<body>`. */
export function standardSignature(
  secret: string,
  webhookId: string,
  timestampSeconds: number,
  body: string | Buffer,
): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${webhookId}.${timestampSeconds}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

/**
 * The signature headers of one attempt. While a secret is being rotated, `secrets` holds the new one
 * first and the previous one second:
 *  - `webhook-signature` carries a signature with each, space-separated (the specification's way: a
 *    receiver holding either secret finds its own);
 *  - `X-Daalu-Signature` stays signed with the previous secret until the grace period ends (a receiver
 *    that verifies as docs/product.md shows, with the secret it has, keeps working unchanged), and
 *    `X-Daalu-Signature-Next` carries the new secret's, for receivers that switched already.
 */
export function signatureHeaders(
  secrets: readonly string[],
  webhookId: string,
  timestampSeconds: number,
  body: string | Buffer,
): Record<string, string> {
  const [current, previous] = secrets;
  const headers: Record<string, string> = {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets
      .map((secret) => standardSignature(secret, webhookId, timestampSeconds, body))
      .join(' '),
    'X-Daalu-Signature': daaluSignature(previous ?? current, body),
  };
  if (previous) headers['X-Daalu-Signature-Next'] = daaluSignature(current, body);
  return headers;
}

/** Constant-time comparison of two hex signatures (for receivers written in TypeScript, and tests). */
export function sameSignature(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
