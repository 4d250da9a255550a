import { InboundHistory, REJECTED_STORED_PER_MINUTE } from '@daalu/ingest/feature';
import { GatewayHarness, OPERATOR_TOKEN, PAGE_EXAMPLE, type CreatedTenant, type Gateway } from './gateway-harness';

interface Detail {
  requests: Array<{ status: number }>;
  suppressed: Array<{ status: number; count: number; from: string; to: string }>;
}

/**
 * A flood of rejected ingest requests costs bounded disk: the first few of a key, status and minute
 * are stored whole, the rest only counted (one row a minute), and the detail page says how many.
 */
describe('inbound history under a flood of rejected requests', () => {
  let harness: GatewayHarness;
  let gateway: Gateway;

  beforeAll(async () => {
    harness = await GatewayHarness.create('flood');
    gateway = await harness.start({ DAALU_INGEST_RATE_PER_SECOND: '10', DAALU_INGEST_BURST: '10' });
  });

  afterAll(async () => {
    await harness.stop();
  });

  const events = () => `${gateway.url}/api/v1/events`;

  /** `total` POSTs, `concurrency` at a time; the status of each. */
  async function flood(
    total: number,
    init: () => RequestInit,
    concurrency = 50,
  ): Promise<{ statuses: number[]; minutes: number }> {
    const statuses: number[] = [];
    const firstMinute = Math.floor(Date.now() / 60_000);
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          next++;
          const response = await fetch(events(), { method: 'POST', ...init() });
          await response.arrayBuffer();
          statuses.push(response.status);
        }
      }),
    );
    // The minutes the answers fell in: each may store its own first few.
    return { statuses, minutes: Math.floor(Date.now() / 60_000) - firstMinute + 1 };
  }

  const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

  async function detail(tenant: CreatedTenant): Promise<Detail> {
    const response = await fetch(`${gateway.url}/api/v1/ingest`, {
      headers: { authorization: `Bearer ${tenant.apiToken}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Detail;
  }

  async function storedRows(tenantId: string): Promise<Map<number, number>> {
    const rows = await harness.db.query<{ status: number; n: string }>(
      `SELECT status, count(*) AS n FROM ingest.inbound_request WHERE tenant_id = $1 GROUP BY status`,
      [tenantId],
    );
    return new Map(rows.map((row) => [row.status, Number(row.n)]));
  }

  /** Every row of the inbound history, of any tenant: stored requests and count rows. */
  const totalRows = async () => {
    const [row] = await harness.db.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM ingest.inbound_request) + (SELECT count(*) FROM ingest.inbound_suppressed) AS n`,
    );
    return Number(row.n);
  };

  it('2,000 requests from one key in a few seconds: every 202 kept, 429s bounded, the rest counted exactly', async () => {
    const tenant = await harness.createTenant(gateway, 'flooder');
    const started = Date.now();
    const { statuses, minutes } = await flood(2000, () => ({
      headers: { 'content-type': 'application/json', 'x-daalu-key': tenant.ingestKey },
      body: JSON.stringify(PAGE_EXAMPLE),
    }));
    expect(Date.now() - started).toBeLessThan(30_000);
    const accepted = count(statuses, 202);
    const limited = count(statuses, 429);
    expect(accepted + limited).toBe(2000);
    expect(limited).toBeGreaterThan(1500);

    const page = await detail(tenant); // flushes what is buffered first
    const stored = await storedRows(tenant.id);
    expect(stored.get(202)).toBe(accepted);
    const stored429 = stored.get(429) ?? 0;
    expect(stored429).toBeGreaterThanOrEqual(REJECTED_STORED_PER_MINUTE);
    expect(stored429).toBeLessThanOrEqual(REJECTED_STORED_PER_MINUTE * minutes);
    expect(page.suppressed).toEqual([
      { status: 429, count: limited - stored429, from: expect.any(String), to: expect.any(String) },
    ]);
    const [{ from, to }] = page.suppressed;
    expect(Date.parse(from)).toBeGreaterThanOrEqual(started - 1000);
    expect(Date.parse(to)).toBeGreaterThanOrEqual(Date.parse(from));
    expect(Date.parse(to)).toBeLessThanOrEqual(Date.now());
    // One count row per key, status and minute, however many were counted.
    const countRows = await harness.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM ingest.inbound_suppressed WHERE tenant_id = $1`,
      [tenant.id],
    );
    expect(Number(countRows[0].n)).toBeLessThanOrEqual(minutes);
    // A stored 429 is small: no body is read before the limit answers.
    const size = await harness.db.query<{ max: number }>(
      `SELECT max(pg_column_size(t.*)) AS max FROM ingest.inbound_request t WHERE tenant_id = $1 AND status = 429`,
      [tenant.id],
    );
    expect(size[0].max).toBeLessThan(1024);
  }, 60_000);

  it('415, 400 and 413 floods are bounded the same way, each status on its own, and bytes per row are capped', async () => {
    const tenant = await harness.createTenant(gateway, 'sloppy');
    const raised = await fetch(`${gateway.url}/api/v1/tenants/${tenant.id}/rate-limit`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ perSecond: 100_000 }),
    });
    expect(raised.status).toBe(200);
    const key = { 'x-daalu-key': tenant.ingestKey };
    // A long header and a long body that names a long field: what a row keeps of them is cut.
    const longKey = 'k'.repeat(50_000);
    const unsupported = await flood(150, () => ({ headers: { ...key, 'content-type': 'text/plain' }, body: 'x' }));
    const invalid = await flood(150, () => ({
      headers: { ...key, 'content-type': 'application/json', 'user-agent': 'u'.repeat(8000) },
      body: JSON.stringify({ ...PAGE_EXAMPLE, payload: { [longKey]: { v: '\u0000' } } }),
    }));
    const tooLarge = await flood(60, () => ({
      headers: { ...key, 'content-type': 'application/json' },
      body: 'x'.repeat(1024 * 1024 + 1),
    }));
    expect(count(unsupported.statuses, 415)).toBe(150);
    expect(count(invalid.statuses, 400)).toBe(150);
    expect(count(tooLarge.statuses, 413)).toBe(60);

    const page = await detail(tenant);
    const stored = await storedRows(tenant.id);
    const minutes = Math.max(unsupported.minutes, invalid.minutes, tooLarge.minutes) + 1;
    for (const [status, sent] of [
      [415, 150],
      [400, 150],
      [413, 60],
    ]) {
      const kept = stored.get(status) ?? 0;
      expect({ status, bounded: kept <= REJECTED_STORED_PER_MINUTE * minutes }).toEqual({ status, bounded: true });
      expect(page.suppressed.find((s) => s.status === status)?.count).toBe(sent - kept);
    }
    // Request and response bodies at most 4,096 units, headers 256: a row stays within ~28 KiB.
    const size = await harness.db.query<{ request: number; response: number }>(
      `SELECT max(octet_length(request)) AS request, max(octet_length(response)) AS response
         FROM ingest.inbound_request WHERE tenant_id = $1`,
      [tenant.id],
    );
    expect(size[0].request).toBeLessThan(4 * 256 * 3 + 4096 * 3 + 512);
    expect(size[0].response).toBeLessThan(4096 * 3 + 512);
    const cut = page.requests.find((r) => r.status === 400) as unknown as {
      response: { truncated?: boolean; body: unknown };
    };
    expect(cut.response).toMatchObject({ truncated: true, body: expect.any(String) });
  }, 60_000);

  it('requests without a valid key (401) belong to no tenant and store nothing at all', async () => {
    const before = await totalRows();
    const { statuses } = await flood(500, () => ({
      headers: { 'content-type': 'application/json', 'x-daalu-key': 'dik_notakey' },
      body: JSON.stringify(PAGE_EXAMPLE),
    }));
    const anonymous = await flood(200, () => ({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(PAGE_EXAMPLE),
    }));
    expect(count(statuses, 401) + count(anonymous.statuses, 401)).toBe(700);
    await gateway.app.get(InboundHistory).flush();
    expect(await totalRows()).toBe(before);
  });
});
