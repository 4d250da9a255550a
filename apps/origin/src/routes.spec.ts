import { routeFor } from './routes';

describe('routeFor', () => {
  it('sends ingest POSTs to the gateway and timeline reads to the projector', () => {
    expect(routeFor('POST', '/api/v1/events')).toBe('gateway');
    expect(routeFor('POST', '/api/v1/events/batch')).toBe('gateway');
    expect(routeFor('GET', '/api/v1/events?type=deploy.*')).toBe('timeline');
    expect(routeFor('GET', '/api/v1/events/stream')).toBe('timeline');
    expect(routeFor('GET', '/api/v1/events/0194f3a2-7c1e-7a00-8000-0000000000aa/evaluations')).toBe('rules');
    expect(routeFor('GET', '/api/v1/events/0194f3a2-7c1e-7a00-8000-0000000000aa/evaluations?at=x')).toBe('rules');
  });

  it('routes the management API to the app that owns it', () => {
    expect(routeFor('POST', '/api/v1/tenants')).toBe('gateway');
    expect(routeFor('POST', '/api/v1/ingest-key/rotate')).toBe('gateway');
    expect(routeFor('DELETE', '/api/v1/api-tokens/1')).toBe('gateway');
    expect(routeFor('GET', '/api/v1/audit?action=api-token.revoked')).toBe('gateway');
    expect(routeFor('GET', '/api/v1/alerts')).toBe('rules');
    expect(routeFor('POST', '/api/v1/proposals/1/approve')).toBe('rules');
    expect(routeFor('GET', '/api/v1/webhooks/1/deliveries')).toBe('outbound');
    expect(routeFor('POST', '/api/v1/deliveries/1/redeliver')).toBe('outbound');
  });

  it('matches whole path segments only', () => {
    expect(routeFor('GET', '/api/v1/eventsx')).toBeUndefined();
    expect(routeFor('GET', '/api/v1/ingestion')).toBeUndefined();
    expect(routeFor('DELETE', '/api/v1/events')).toBeUndefined();
  });
});
