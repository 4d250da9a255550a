import { followsTypeShape, idempotentEventId, jsonDepth } from './event-shape';

describe('event shape', () => {
  it('recognises <system>.<verb>', () => {
    expect(followsTypeShape('deploy.failed')).toBe(true);
    expect(followsTypeShape('backup.completed')).toBe(true);
    expect(followsTypeShape('heartbeat')).toBe(false);
    expect(followsTypeShape('deploy failed')).toBe(false);
  });

  it('measures nesting depth and stops past the limit', () => {
    expect(jsonDepth({ a: 1 }, 10)).toBe(1);
    expect(jsonDepth({ a: { b: [1, { c: 2 }] } }, 10)).toBe(4);
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = { d: deep };
    expect(jsonDepth(deep, 20)).toBe(21);
  });

  it('derives a stable UUID from tenant and idempotency key', () => {
    const id = idempotentEventId('t1', 'key-1');
    expect(id).toBe(idempotentEventId('t1', 'key-1'));
    expect(id).not.toBe(idempotentEventId('t2', 'key-1'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
