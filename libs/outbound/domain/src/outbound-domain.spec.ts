import { spawnSync } from 'node:child_process';
import { Webhook } from 'standardwebhooks';
import { AddressGuard } from './address-guard';
import { nextAttemptAt, retryAfterMs, type RetrySchedule } from './retry-schedule';
import { planReseal } from './reseal-plan';
import { SecretBox, sealedKeyOf } from './secret-box';
import { daaluSignature, generateSigningSecret, isSigningSecret, sameSignature, signatureHeaders } from './signing';

const BODY = JSON.stringify({ type: 'alert.fired', summary: 'disk on backup-1 at 93% — ünïcode', lines: 'a\nb' });

describe('signing', () => {
  it('matches the receiver of docs/product.md: printf | openssl dgst -sha256 -hmac "$SECRET"', () => {
    const secret = generateSigningSecret();
    const openssl = spawnSync(
      'sh',
      ['-c', `printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | awk '{print $2}'`],
      {
        env: { ...process.env, BODY, SECRET: secret },
        encoding: 'utf8',
      },
    );
    expect(openssl.status).toBe(0);
    expect(openssl.stdout.trim()).toBe(daaluSignature(secret, BODY));
    expect(daaluSignature(secret, BODY)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('produces Standard Webhooks headers its own library verifies', () => {
    const secret = generateSigningSecret();
    expect(isSigningSecret(secret)).toBe(true);
    expect(isSigningSecret('whsec_short')).toBe(false);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders([secret], 'msg_01', timestamp, BODY);
    expect(new Webhook(secret).verify(BODY, headers)).toEqual(JSON.parse(BODY));
    expect(() => new Webhook(generateSigningSecret()).verify(BODY, headers)).toThrow();
    expect(() => new Webhook(secret).verify(`${BODY} `, headers)).toThrow();
  });

  it('during a rotation, a receiver holding either secret verifies every delivery', () => {
    const previous = generateSigningSecret();
    const next = generateSigningSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders([next, previous], 'msg_02', timestamp, BODY);
    // Standard Webhooks: either secret finds its own signature among those sent.
    expect(new Webhook(previous).verify(BODY, headers)).toBeDefined();
    expect(new Webhook(next).verify(BODY, headers)).toBeDefined();
    // The receiver of docs/product.md, unchanged, still holding the previous secret:
    expect(sameSignature(headers['X-Daalu-Signature'], daaluSignature(previous, BODY))).toBe(true);
    // One that switched already checks the next header:
    expect(sameSignature(headers['X-Daalu-Signature-Next'], daaluSignature(next, BODY))).toBe(true);
    expect(signatureHeaders([next], 'msg_03', timestamp, BODY)['X-Daalu-Signature-Next']).toBeUndefined();
  });
});

describe('retry schedule', () => {
  const schedule: RetrySchedule = { baseMs: 1000, windowMs: 60_000, maxStepMs: 16_000 };

  it('backs off exponentially with jitter inside the window, then gives up', () => {
    const start = 0;
    expect(nextAttemptAt(schedule, 1, start, 0, undefined, () => 0)).toBe(500);
    expect(nextAttemptAt(schedule, 1, start, 0, undefined, () => 1)).toBe(1000);
    expect(nextAttemptAt(schedule, 4, start, 10_000, undefined, () => 1)).toBe(18_000);
    expect(nextAttemptAt(schedule, 10, start, 30_000, undefined, () => 1)).toBe(46_000); // capped step
    expect(nextAttemptAt(schedule, 10, start, 55_000, undefined, () => 1)).toBe(60_000); // last try at the end
    expect(nextAttemptAt(schedule, 11, start, 60_000, undefined, () => 1)).toBeNull();
  });

  it('honours Retry-After inside the window, never shorter than half a step', () => {
    expect(nextAttemptAt(schedule, 1, 0, 0, '7', () => 0)).toBe(7000);
    expect(nextAttemptAt(schedule, 3, 0, 0, '0', () => 0)).toBe(2000);
    expect(nextAttemptAt(schedule, 1, 0, 50_000, '3600', () => 0)).toBeNull(); // asks past the hour: failed
    const date = new Date(20_000).toUTCString();
    expect(retryAfterMs(date, 0)).toBe(20_000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
  });
});

describe('AddressGuard', () => {
  const guard = new AddressGuard();
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['fd00::1', 'unique local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'reserved (multicast)'],
    ['::127.0.0.1', 'loopback'],
    // What a URL makes of http://[::127.0.0.1]/ and http://[::10.0.0.1]/ (IPv4-compatible forms).
    ['::7f00:1', 'not a global unicast'],
    ['::a00:1', 'not a global unicast'],
    ['::a9fe:a9fe', 'not a global unicast'],
    ['64:ff9b::127.0.0.1', 'reserved (rfc6052)'],
    ['2002:7f00:1::', 'reserved (6to4)'],
    ['100::1', 'reserved'],
    ['4000::1', 'not a global unicast'],
  ])('refuses %s (%s)', (address, what) => {
    const verdict = guard.check(address);
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed === false && verdict.reason).toContain(what);
  });

  it('lets public addresses through, and the operator allowlist', () => {
    expect(guard.check('93.184.216.34')).toEqual({ allowed: true });
    expect(guard.check('2606:2800:220:1:248:1893:25c8:1946')).toEqual({ allowed: true });
    const dev = new AddressGuard(['127.0.0.0/8', '::1/128']);
    expect(dev.check('127.0.0.1')).toEqual({ allowed: true });
    expect(dev.check('::ffff:127.0.0.1')).toEqual({ allowed: true });
    expect(dev.check('10.0.0.1').allowed).toBe(false);
    expect(AddressGuard.validCidr('10.0.0.0/8')).toBe(true);
    expect(AddressGuard.validCidr('10.0.0.0/99')).toBe(false);
    expect(guard.check('not-an-ip').allowed).toBe(false);
  });
});

describe('SecretBox', () => {
  const key = 'a'.repeat(64);
  const next = Buffer.alloc(32, 7).toString('base64');

  it('seals and opens; the sealed text reveals nothing and is different each time', () => {
    const box = new SecretBox([key]);
    const sealed = box.seal('whsec_topsecret');
    expect(sealed).not.toContain('topsecret');
    expect(box.seal('whsec_topsecret')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('whsec_topsecret');
  });

  it('refuses tampering and unknown keys, and opens old values after a key rotation', () => {
    const old = new SecretBox([key]);
    const sealed = old.seal('value');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('other').toString('base64url');
    expect(() => old.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox([next]).open(sealed)).toThrow(/key not configured/);
    const rotated = new SecretBox([next, key]);
    expect(rotated.open(sealed)).toBe('value');
    expect(rotated.isStale(sealed)).toBe(true);
    expect(rotated.isStale(rotated.seal('value'))).toBe(false);
    expect(() => new SecretBox(['short'])).toThrow(/32 bytes/);
  });
});

describe('planReseal', () => {
  const oldKey = 'a'.repeat(64);
  const newKey = 'b'.repeat(64);
  const lostKey = 'c'.repeat(64);

  it('moves only values sealed with another key, keeping their plain values; lists those it cannot open', () => {
    const old = new SecretBox([oldKey]);
    const box = new SecretBox([newKey, oldKey]);
    const lost = new SecretBox([lostKey]).seal('whsec_lost');
    const plan = planReseal(
      {
        headers: { Authorization: old.seal('Bearer x'), 'X-New': box.seal('already') },
        secrets: [
          { id: 's2', sealed: box.seal('whsec_new') },
          { id: 's1', sealed: lost },
        ],
      },
      box,
    );
    expect(Object.keys(plan.headers!)).toEqual(['Authorization', 'X-New']);
    expect(box.open(plan.headers!.Authorization)).toBe('Bearer x');
    expect(box.isStale(plan.headers!.Authorization)).toBe(false);
    expect(plan.secrets).toEqual([]);
    expect(plan.moved).toEqual([{ value: 'header Authorization', fromKey: sealedKeyOf(old.seal('v')) }]);
    expect(plan.unopened).toEqual([
      { value: 'secret s1', key: sealedKeyOf(lost), reason: expect.stringMatching(/key not configured/) },
    ]);
    expect(JSON.stringify(plan)).not.toContain('Bearer x');
  });

  it('has nothing to do when everything is sealed with the current key', () => {
    const box = new SecretBox([newKey]);
    const plan = planReseal({ headers: { A: box.seal('a') }, secrets: [{ id: 's', sealed: box.seal('s') }] }, box);
    expect(plan).toEqual({ secrets: [], moved: [], unopened: [] });
  });
});
