import { eventually } from '@daalu/testing';
import { GatewayHarness, OPERATOR_TOKEN, PAGE_EXAMPLE, post, type Gateway } from './gateway-harness';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('ingest keys and rate limits across gateway replicas', () => {
  let harness: GatewayHarness;
  let first: Gateway;
  let second: Gateway;

  beforeAll(async () => {
    harness = await GatewayHarness.create('keys');
    first = await harness.start();
    second = await harness.start();
  });

  afterAll(async () => {
    await harness.stop();
  });

  const send = (gateway: Gateway, key: string) =>
    post(`${gateway.url}/api/v1/events`, PAGE_EXAMPLE, { 'x-daalu-key': key });

  it('rotation: the new key works at once on every replica, the old one for 24 hours, then 401', async () => {
    const tenant = await harness.createTenant(first);
    const rotated = await fetch(`${first.url}/api/v1/ingest-key/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.apiToken}` },
    });
    expect(rotated.status).toBe(201);
    const { ingestKey, previousKeyExpiresAt } = (await rotated.json()) as {
      ingestKey: string;
      previousKeyExpiresAt: string;
    };
    expect(ingestKey).not.toBe(tenant.ingestKey);
    expect(Date.parse(previousKeyExpiresAt) - Date.now()).toBeGreaterThan(DAY_MS - 60_000);

    expect((await send(first, ingestKey)).status).toBe(202);
    await eventually(
      async () => (await send(second, ingestKey)).status,
      (s) => s === 202,
      {
        timeoutMs: 1000,
        what: 'new key accepted by the other replica within a second',
      },
    );
    expect((await send(first, tenant.ingestKey)).status).toBe(202);
    expect((await send(second, tenant.ingestKey)).status).toBe(202);

    for (const gateway of [first, second]) gateway.clock.offsetMs = DAY_MS - 5_000;
    expect((await send(first, tenant.ingestKey)).status).toBe(202);
    for (const gateway of [first, second]) gateway.clock.offsetMs = DAY_MS + 1_000;
    expect((await send(first, tenant.ingestKey)).status).toBe(401);
    expect((await send(second, tenant.ingestKey)).status).toBe(401);
    expect((await send(second, ingestKey)).status).toBe(202);
    for (const gateway of [first, second]) gateway.clock.offsetMs = 0;
  });

  it('revocation: rotating with graceSeconds 0 stops the old key on every replica within a second', async () => {
    const tenant = await harness.createTenant(first);
    expect((await send(second, tenant.ingestKey)).status).toBe(202);
    const rotated = await fetch(`${second.url}/api/v1/ingest-key/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ graceSeconds: 0 }),
    });
    expect(rotated.status).toBe(201);
    const revokedAt = Date.now();
    expect((await send(second, tenant.ingestKey)).status).toBe(401);
    await eventually(
      async () => (await send(first, tenant.ingestKey)).status,
      (s) => s === 401,
      {
        timeoutMs: 1000,
        what: 'old key refused by the other replica',
      },
    );
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    const { ingestKey } = (await rotated.json()) as { ingestKey: string };
    expect((await send(first, ingestKey)).status).toBe(202);

    const invalid = await fetch(`${first.url}/api/v1/ingest-key/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ graceSeconds: -1 }),
    });
    expect(invalid.status).toBe(400);
  });

  it('limits a key to 10 POSTs per second with 429, Retry-After and RateLimit headers', async () => {
    const tenant = await harness.createTenant(first);
    // With the gateway's clock stopped, 15 POSTs arrive "at once": the burst of 10 passes.
    const now = Date.now();
    first.clock.frozenAt = now;
    const results = [];
    for (let i = 0; i < 15; i++) results.push(await send(first, tenant.ingestKey));
    expect(results.filter((r) => r.status === 202)).toHaveLength(10);
    const limited = results.find((r) => r.status === 429)!;
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('ratelimit-policy')).toBe('"per-key";q=10;w=1');
    expect(limited.headers.get('ratelimit')).toMatch(/^"per-key";r=0;t=\d+$/);
    expect(limited.body).toMatchObject({ status: 429, title: 'Too many requests' });

    first.clock.frozenAt = now + 100; // a tenth of a second later: exactly one token back
    expect((await send(first, tenant.ingestKey)).status).toBe(202);
    expect((await send(first, tenant.ingestKey)).status).toBe(429);
    first.clock.frozenAt = undefined;

    const history = await fetch(`${first.url}/api/v1/ingest`, {
      headers: { authorization: `Bearer ${tenant.apiToken}` },
    });
    const statuses = ((await history.json()) as { requests: Array<{ status: number }> }).requests.map((r) => r.status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
  });

  it('counts a batch as one POST for the limit, whatever its size', async () => {
    const tenant = await harness.createTenant(first);
    first.clock.frozenAt = Date.now();
    const batch = Array.from({ length: 50 }, () => PAGE_EXAMPLE);
    const statuses = [];
    for (let i = 0; i < 11; i++) {
      statuses.push(
        (await post(`${first.url}/api/v1/events/batch`, batch, { 'x-daalu-key': tenant.ingestKey })).status,
      );
    }
    first.clock.frozenAt = undefined;
    expect(statuses).toEqual([...Array(10).fill(202), 429]);
  });

  it('holds the limit across two replicas (not 10/s each)', async () => {
    const tenant = await harness.createTenant(first);
    await new Promise((r) => setTimeout(r, 200)); // both replicas know the tenant
    const started = Date.now();
    const statuses: number[] = [];
    // 40 POSTs alternating between the replicas within about half a second.
    for (let i = 0; i < 40; i++) {
      statuses.push((await send(i % 2 === 0 ? first : second, tenant.ingestKey)).status);
      await new Promise((r) => setTimeout(r, 12));
    }
    const seconds = (Date.now() - started) / 1000;
    const accepted = statuses.filter((s) => s === 202).length;
    // Burst of 10 plus 10/s refill over the window, shared: far below the 20 + 20/s of two separate limits.
    expect(accepted).toBeGreaterThanOrEqual(10);
    expect(accepted).toBeLessThanOrEqual(Math.ceil(10 + 10 * seconds) + 2);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
  });

  it('lets an operator raise one tenant’s limit', async () => {
    const tenant = await harness.createTenant(first);
    const raised = await fetch(`${first.url}/api/v1/tenants/${tenant.id}/rate-limit`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ perSecond: 100 }),
    });
    expect(raised.status).toBe(200);
    expect(await raised.json()).toEqual({ tenantId: tenant.id, perSecond: 100, burst: 100 });
    const statuses = [];
    for (let i = 0; i < 30; i++) statuses.push((await send(first, tenant.ingestKey)).status);
    expect(statuses.every((s) => s === 202)).toBe(true);

    const forbidden = await fetch(`${first.url}/api/v1/tenants/${tenant.id}/rate-limit`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tenant.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ perSecond: 1000 }),
    });
    expect(forbidden.status).toBe(401);
  });
});
