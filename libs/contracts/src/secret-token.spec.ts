import { generateToken, hashToken, isWellFormedToken, tokenPrefix } from './secret-token';

describe('secret tokens', () => {
  it('have a recognisable prefix and a valid checksum', () => {
    const key = generateToken('ingest-key');
    expect(key).toMatch(/^dik_[0-9A-Za-z]{49}$/);
    expect(isWellFormedToken('ingest-key', key)).toBe(true);
    expect(isWellFormedToken('api-token', key)).toBe(false);
  });

  it('reject a typo by checksum before any lookup', () => {
    const key = generateToken('ingest-key');
    const typo = key.slice(0, 10) + (key[10] === 'a' ? 'b' : 'a') + key.slice(11);
    expect(isWellFormedToken('ingest-key', typo)).toBe(false);
    expect(isWellFormedToken('ingest-key', key.slice(0, -1))).toBe(false);
  });

  it('are unique, hashed with SHA-256, and shown only by prefix', () => {
    const a = generateToken('api-token');
    expect(a).not.toBe(generateToken('api-token'));
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenPrefix(a)).toBe(`${a.slice(0, 8)}…`);
  });
});
