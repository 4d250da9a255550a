import { scopeAllows, scopeForMethod } from './scopes';

describe('API token scopes', () => {
  it('takes the scope a route needs from its method: reads read, everything else writes', () => {
    expect(['GET', 'HEAD'].map(scopeForMethod)).toEqual(['read', 'read']);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].map(scopeForMethod)).toEqual(['write', 'write', 'write', 'write']);
  });

  it('lets each scope do what the ones before it do, and nothing after', () => {
    const table = (['read', 'write', 'admin'] as const).map((granted) =>
      (['read', 'write', 'admin'] as const).map((required) => scopeAllows([granted], required)),
    );
    expect(table).toEqual([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
    expect(scopeAllows(['read', 'admin'], 'write')).toBe(true);
    expect(scopeAllows([], 'read')).toBe(false);
  });
});
