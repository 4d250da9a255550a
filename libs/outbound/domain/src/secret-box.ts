import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts secrets at rest (signing secrets, custom header values) with AES-256-GCM under a key from
 * the environment (`DAALU_SECRET_KEY`), so that neither the log nor a database dump holds them in the
 * clear. A sealed value names its key by a short fingerprint, so that after a key rotation (old keys
 * given too) each value still opens with the key it was sealed with:
 *
 *   v1.<key fingerprint>.<iv base64url>.<ciphertext base64url>.<tag base64url>
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  private readonly current: string;

  /** `keys`: the current key first, then older ones still needed to open old values (hex or base64, 32 bytes). */
  constructor(keys: readonly string[]) {
    if (keys.length === 0) throw new Error('a secret box needs a key');
    const parsed = keys.map(parseKey);
    for (const key of parsed) this.keys.set(fingerprint(key), key);
    this.current = fingerprint(parsed[0]);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.current)!, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      'v1',
      this.current,
      iv.toString('base64url'),
      data.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
  }

  open(sealed: string): string {
    const [version, keyId, iv, data, tag] = sealed.split('.');
    const key = this.keys.get(keyId);
    if (version !== 'v1' || !key || !iv || data === undefined || !tag) {
      throw new Error(key ? 'not a sealed value' : `sealed with a key not configured (${keyId})`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** Whether a value was sealed with an older key (a re-seal moves it to the current one). */
  isStale(sealed: string): boolean {
    return sealedKeyOf(sealed) !== this.current;
  }

  /** The fingerprint of the key new values are sealed with. */
  get currentKey(): string {
    return this.current;
  }
}

/** The fingerprint of the key a value was sealed with, as the value names it (not a secret). */
export function sealedKeyOf(sealed: string): string {
  return sealed.split('.')[1] ?? '';
}

/** A 32-byte key given as 64 hex characters or as base64. */
export function parseKey(text: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('a secret key is 32 bytes: 64 hex characters or 44 base64 characters');
  return key;
}

function fingerprint(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 8);
}
