import { StallWatch } from './stall-watch';
import { isTransientError } from './failure-kind';

describe('StallWatch', () => {
  it('is stalled only with work waiting and no move for the set time', () => {
    let now = 0;
    const watch = new StallWatch(1000, () => now);
    expect(watch.observe(5, 10)).toBe(false);
    now = 900;
    expect(watch.observe(5, 10)).toBe(false);
    now = 1001;
    expect(watch.observe(5, 10)).toBe(true);
    now = 1002;
    expect(watch.observe(6, 10)).toBe(false); // moved
    now = 5000;
    expect(watch.observe(6, 0)).toBe(false); // nothing to do
    now = 5500;
    watch.moved();
    now = 6400;
    expect(watch.stalled()).toBe(false);
    now = 6600;
    expect(watch.stalled()).toBe(true);
  });

  it('reads a work consumer by its backlog and its finished messages', () => {
    let now = 0;
    const watch = new StallWatch(1000, () => now);
    now = 2000;
    expect(watch.waiting(0)).toBe(false);
    now = 2500;
    expect(watch.waiting(3)).toBe(false);
    now = 3100;
    expect(watch.waiting(3)).toBe(true);
    watch.moved();
    expect(watch.waiting(3)).toBe(false);
  });

  it('never stalls when switched off', () => {
    let now = 0;
    const watch = new StallWatch(0, () => now);
    now = 1e9;
    expect(watch.observe(1, 100)).toBe(false);
  });
});

describe('isTransientError', () => {
  it('retries what the infrastructure causes', () => {
    expect(isTransientError(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientError({ message: 'query failed', driverError: { code: '40P01' } })).toBe(true);
    expect(isTransientError(Object.assign(new Error('TIMEOUT'), { code: 'TIMEOUT' }))).toBe(true);
  });

  it('isolates what the message causes', () => {
    expect(isTransientError(Object.assign(new Error('invalid byte sequence'), { code: '22021' }))).toBe(false);
    expect(isTransientError({ message: 'unsupported Unicode escape sequence', driverError: { code: '22P05' } })).toBe(
      false,
    );
    expect(isTransientError(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(isTransientError(new RangeError('Invalid string length'))).toBe(false);
  });
});
