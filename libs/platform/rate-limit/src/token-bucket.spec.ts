import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst, then refills at the rate', () => {
    const bucket = new TokenBucket(10, 10, 0);
    const results = Array.from({ length: 11 }, () => bucket.take(0).allowed);
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(bucket.take(0)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    expect(bucket.take(100).allowed).toBe(true); // 0.1 s later: one token back
  });

  it('counts what other replicas spent', () => {
    const bucket = new TokenBucket(10, 10, 0);
    bucket.debit(10, 0);
    expect(bucket.take(0).allowed).toBe(false);
  });

  it('applies a raised limit', () => {
    const bucket = new TokenBucket(10, 10, 0);
    bucket.configure(100, 100);
    expect(Array.from({ length: 50 }, () => bucket.take(1000).allowed).every(Boolean)).toBe(true);
  });
});
