import { backoffMs } from './backoff';

describe('backoffMs', () => {
  it('grows exponentially and stays within [ceiling/2, ceiling]', () => {
    expect(backoffMs(0, 100, 10_000, () => 0)).toBe(50);
    expect(backoffMs(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffMs(3, 100, 10_000, () => 1)).toBe(800);
  });

  it('never exceeds the maximum', () => {
    expect(backoffMs(40, 100, 10_000, () => 1)).toBe(10_000);
  });
});
