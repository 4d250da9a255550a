import { nestedJson } from '@daalu/testing';
import { GatewayHarness, OPERATOR_TOKEN, type Gateway } from './gateway-harness';

/** The gateway's Nest routes under hostile bodies and queries: a 400 naming the field, never a 500. */
describe('gateway API under hostile bodies and queries', () => {
  let harness: GatewayHarness;
  let gateway: Gateway;

  beforeAll(async () => {
    harness = await GatewayHarness.create('hostile');
    gateway = await harness.start();
  });

  afterAll(async () => {
    await harness.stop();
  });

  it('a body nested 100,000 deep is a 400 naming where it goes too deep', async () => {
    const tenant = await harness.createTenant(gateway);
    for (const [path, authorization] of [
      ['/api/v1/tenants', OPERATOR_TOKEN],
      [`/api/v1/tenants/${tenant.id}/rate-limit`, OPERATOR_TOKEN],
      ['/api/v1/ingest-key/rotate', tenant.apiToken],
    ]) {
      const response = await fetch(`${gateway.url}${path}`, {
        method: path.endsWith('rate-limit') ? 'PUT' : 'POST',
        headers: { authorization: `Bearer ${authorization}`, 'content-type': 'application/json' },
        body: nestedJson(100_000),
      });
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await response.json()) as { errors: unknown[] }).errors).toEqual([
        { field: `a${'[0]'.repeat(63)}`, message: expect.stringMatching(/at most 64 levels/) },
      ]);
    }
    expect(harness.logs.filter((line) => /"level":50/.test(line) || /unhandled error/.test(line))).toEqual([]);
  });

  it('bad %-encoding in the query is a 400 naming the parameter', async () => {
    const tenant = await harness.createTenant(gateway, 'other');
    const response = await fetch(`${gateway.url}/api/v1/ingest?view=%E0%A4%A`, {
      headers: { authorization: `Bearer ${tenant.apiToken}` },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: Array<{ field: string }> }).errors).toEqual([
      { field: 'view', message: expect.stringMatching(/%-encoding/) },
    ]);
  });
});
