import { request as httpRequest } from 'node:http';
import { InboundHistory } from '@daalu/ingest/feature';
import {
  GatewayHarness,
  OPERATOR_TOKEN,
  PAGE_EXAMPLE,
  post,
  type CreatedTenant,
  type Gateway,
} from './gateway-harness';

describe('POST /api/v1/events (ingest gateway over real NATS and PostgreSQL)', () => {
  let harness: GatewayHarness;
  let gateway: Gateway;
  let tenant: CreatedTenant;
  let events: string;

  beforeAll(async () => {
    harness = await GatewayHarness.create('ingest');
    gateway = await harness.start({ DAALU_INGEST_RATE_PER_SECOND: '1000', DAALU_INGEST_BURST: '1000' });
    events = `${gateway.url}/api/v1/events`;
  });

  beforeEach(async () => {
    tenant = await harness.createTenant(gateway);
  });

  afterAll(async () => {
    await harness.stop();
  });

  const withKey = (key = tenant.ingestKey) => ({ 'x-daalu-key': key });

  it('accepts the documented example unchanged: 202 with the id, stored on the log for the key’s tenant', async () => {
    const response = await post(events, PAGE_EXAMPLE, withKey());
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'accepted' });
    const stored = (await harness.storedEvents()).find((event) => event.id === response.body.id);
    expect(stored).toMatchObject({ ...PAGE_EXAMPLE, kind: 'event.ingested', tenantId: tenant.id });
  });

  it('drops a tenant id in the body: the tenant comes from the key alone', async () => {
    const other = await harness.createTenant(gateway, 'other');
    const response = await post(events, { ...PAGE_EXAMPLE, tenant_id: other.id, tenantId: other.id }, withKey());
    expect(response.status).toBe(202);
    expect(response.body.warnings).toEqual([
      'tenant_id was dropped: the tenant comes from the ingest key',
      'tenantId was dropped: the tenant comes from the ingest key',
    ]);
    const stored = (await harness.storedEvents()).find((event) => event.id === response.body.id)!;
    expect(stored.tenantId).toBe(tenant.id);
    expect(stored).not.toHaveProperty('tenant_id');
  });

  it('answers 401 with the same body for a missing, a wrong and a mistyped key', async () => {
    const missing = await post(events, PAGE_EXAMPLE);
    const wrong = await post(events, PAGE_EXAMPLE, withKey('dik_not-a-key'));
    const typo = tenant.ingestKey.slice(0, -1) + (tenant.ingestKey.endsWith('a') ? 'b' : 'a');
    const mistyped = await post(events, PAGE_EXAMPLE, withKey(typo));
    const apiTokenAsKey = await post(events, PAGE_EXAMPLE, withKey(tenant.apiToken));
    for (const response of [missing, wrong, mistyped, apiTokenAsKey]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(response.body).toEqual(missing.body);
    }
  });

  it('defaults severity to info and module to custom', async () => {
    const { module: _m, severity: _s, ...minimal } = PAGE_EXAMPLE;
    const response = await post(events, minimal, withKey());
    expect(response.status).toBe(202);
    const stored = (await harness.storedEvents()).find((event) => event.id === response.body.id)!;
    expect(stored).toMatchObject({ severity: 'info', module: 'custom', payload: PAGE_EXAMPLE.payload });
  });

  it('answers 400 naming every offending field, and stores nothing', async () => {
    const before = (await harness.storedEvents()).length;
    const response = await post(
      events,
      { type: '', summary: 'x'.repeat(1025), severity: 'loud', payload: [1, 2] },
      withKey(),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const fields = (response.body.errors as Array<{ field: string }>).map((e) => e.field).sort();
    expect(fields).toEqual(['payload', 'severity', 'source', 'summary', 'type']);
    expect((await harness.storedEvents()).length).toBe(before);
  });

  it('refuses NUL and lone surrogates anywhere in the envelope with a 400 naming the place, storing nothing', async () => {
    const before = (await harness.storedEvents()).length;
    const nul = /must not contain a NUL character/;
    const lone = /lone surrogate/;
    const cases: Array<[Record<string, unknown>, Array<{ field: string; message: unknown }>]> = [
      [
        { ...PAGE_EXAMPLE, payload: { 'k\u0000': 'v' } },
        [{ field: 'payload (a key)', message: expect.stringMatching(nul) }],
      ],
      [{ ...PAGE_EXAMPLE, payload: { k: 'v\u0000' } }, [{ field: 'payload.k', message: expect.stringMatching(nul) }]],
      [
        { ...PAGE_EXAMPLE, payload: { deep: { list: ['ok', { 'a\u0000b': 1 }] } } },
        [{ field: 'payload.deep.list[1] (a key)', message: expect.stringMatching(nul) }],
      ],
      [{ ...PAGE_EXAMPLE, payload: { k: '\udfff' } }, [{ field: 'payload.k', message: expect.stringMatching(lone) }]],
      [
        { ...PAGE_EXAMPLE, summary: 'half an emoji \ud83d' },
        [{ field: 'summary', message: expect.stringMatching(lone) }],
      ],
      [{ ...PAGE_EXAMPLE, summary: 'nul \u0000' }, [{ field: 'summary', message: expect.stringMatching(nul) }]],
      [{ ...PAGE_EXAMPLE, source: '\udfffsource' }, [{ field: 'source', message: expect.stringMatching(lone) }]],
      [{ ...PAGE_EXAMPLE, type: 'deploy.\udfff' }, [{ field: 'type', message: expect.stringMatching(lone) }]],
      [{ ...PAGE_EXAMPLE, type: 'deploy.\u0000' }, [{ field: 'type', message: expect.any(String) }]],
    ];
    for (const [body, errors] of cases) {
      // JSON.stringify writes them as the escapes a sender would send: "\u0000", "\udfff".
      const response = await post(events, body, withKey());
      expect({ body, status: response.status, errors: response.body.errors }).toEqual({ body, status: 400, errors });
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    expect((await harness.storedEvents()).length).toBe(before);
  });

  it('accepts whole characters, emoji included, anywhere in the envelope', async () => {
    const envelope = {
      ...PAGE_EXAMPLE,
      type: 'deploy.🚀',
      source: 'ci-🚀',
      summary: '🚀 shipped',
      payload: { '🚀': ['🚀', { nested: 'ünïcødé 🚀' }] },
    };
    const response = await post(events, envelope, withKey());
    expect(response.status).toBe(202);
    const stored = (await harness.storedEvents()).find((event) => event.id === response.body.id);
    expect(stored).toMatchObject(envelope);
  });

  it('refuses the same text in a batch, per item, storing the others', async () => {
    const response = await post(
      `${events}/batch`,
      [
        { ...PAGE_EXAMPLE, payload: { 'k\u0000': 1 } },
        PAGE_EXAMPLE,
        { ...PAGE_EXAMPLE, summary: '\udfff' },
        { ...PAGE_EXAMPLE, payload: { emoji: '🚀' } },
      ],
      withKey(),
    );
    expect(response.status).toBe(207);
    const items = response.body.items as Array<{ status: number; id?: string; errors?: unknown }>;
    expect(items.map((item) => item.status)).toEqual([400, 202, 400, 202]);
    expect(items[0].errors).toEqual([{ field: 'payload (a key)', message: expect.stringMatching(/NUL/) }]);
    expect(items[2].errors).toEqual([{ field: 'summary', message: expect.stringMatching(/lone surrogate/) }]);
    const storedIds = new Set((await harness.storedEvents()).map((event) => event.id));
    expect(storedIds.has(items[1].id!) && storedIds.has(items[3].id!)).toBe(true);
  });

  it('keeps a refused request holding a NUL or a cut emoji in the inbound history, well-formed', async () => {
    // A raw NUL byte (not valid JSON), and a body longer than the 4 KiB kept with an emoji across the cut.
    await post(events, `{"type":"a.b","source":"s","summary":"\u0000 raw"}`, withKey());
    const shape = (k: string) => JSON.stringify({ ...PAGE_EXAMPLE, summary: 'x'.repeat(2000), payload: { k } });
    const valueAt = shape('').length - 3; // where k's value goes, before `"}}`
    const cut = shape('y'.repeat(4095 - valueAt) + '🚀');
    expect(cut.codePointAt(4095)).toBe('🚀'.codePointAt(0));
    await post(events, cut, withKey());
    await post(events, { ...PAGE_EXAMPLE, payload: { 'k\u0000': '\udfff' } }, withKey());
    await gateway.app.get(InboundHistory).flush();
    const response = await fetch(`${gateway.url}/api/v1/ingest`, {
      headers: { authorization: `Bearer ${tenant.apiToken}` },
    });
    const detail = (await response.json()) as {
      requests: Array<{ status: number; request: { body: string; truncated: boolean } }>;
    };
    expect(detail.requests.map((r) => r.status)).toEqual([400, 400, 400]);
    const [escaped, truncated, raw] = detail.requests.map((r) => r.request);
    expect(raw.body).toBe('{"type":"a.b","source":"s","summary":"\ufffd raw"}');
    expect(truncated.truncated).toBe(true);
    expect(truncated.body).toBe(cut.slice(0, 4095));
    expect(escaped.body).toBe(JSON.stringify({ ...PAGE_EXAMPLE, payload: { 'k\u0000': '\udfff' } }));
    for (const request of [escaped, truncated, raw]) expect(request.body.isWellFormed()).toBe(true);
  });

  it('answers 400 for malformed JSON and for a body that is not an object', async () => {
    const malformed = await post(events, '{"type": ', withKey());
    expect(malformed.status).toBe(400);
    expect(malformed.body.detail).toMatch(/malformed JSON/);
    const array = await post(events, [PAGE_EXAMPLE], withKey());
    expect(array.status).toBe(400);
  });

  it('refuses __proto__ and constructor keys without harm', async () => {
    const proto = await post(
      events,
      `{"type":"a.b","source":"s","summary":"x","payload":{"__proto__":{"polluted":true}}}`,
      withKey(),
    );
    expect(proto.status).toBe(400);
    const ctor = await post(
      events,
      `{"type":"a.b","source":"s","summary":"x","payload":{"constructor":{"prototype":{"polluted":true}}}}`,
      withKey(),
    );
    expect(ctor.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects payloads nested deeper than the documented limit', async () => {
    let payload: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 40; i++) payload = { nested: payload };
    const response = await post(events, { ...PAGE_EXAMPLE, payload }, withKey());
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { field: 'payload', message: 'payload must not be nested deeper than 32 levels' },
    ]);
  });

  it('accepts a type outside <system>.<verb> with a warning', async () => {
    const response = await post(events, { ...PAGE_EXAMPLE, type: 'heartbeat' }, withKey());
    expect(response.status).toBe(202);
    expect(response.body.warnings).toEqual([expect.stringMatching(/does not follow <system>\.<verb>/)]);
  });

  it('answers 413 over 1 MiB and 415 for a body that is not JSON', async () => {
    const big = JSON.stringify({ ...PAGE_EXAMPLE, payload: { blob: 'x'.repeat(1024 * 1024) } });
    const tooLarge = await post(events, big, withKey());
    expect(tooLarge.status).toBe(413);
    // 1 MiB, or less against a NATS with a smaller max_payload (body-limits.e2e-spec.ts has the exact limits).
    expect(tooLarge.body.detail).toMatch(/^the body is larger than /);
    const text = await fetch(events, {
      method: 'POST',
      headers: { ...withKey(), 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(text.status).toBe(415);
    expect(text.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('reads the media type as HTTP does, ignores a query string, and survives a client leaving mid-body', async () => {
    const typed = await fetch(`${events}?from=ci`, {
      method: 'POST',
      headers: { ...withKey(), 'content-type': 'Application/JSON; charset=utf-8' },
      body: JSON.stringify(PAGE_EXAMPLE),
    });
    expect(typed.status).toBe(202);
    // A body with no Content-Type at all is not JSON either.
    const untyped = await fetch(events, {
      method: 'POST',
      headers: withKey(),
      body: new TextEncoder().encode(JSON.stringify(PAGE_EXAMPLE)),
    });
    expect(untyped.status).toBe(415);

    const before = (await harness.storedEvents()).length;
    await new Promise<void>((resolve) => {
      const request = httpRequest(events, {
        method: 'POST',
        headers: { ...withKey(), 'content-type': 'application/json', 'content-length': '1000' },
      });
      request.on('error', () => resolve());
      request.write('{"type":"deploy.');
      setTimeout(() => {
        request.destroy();
        resolve();
      }, 100);
    });
    const after = await post(events, PAGE_EXAMPLE, withKey());
    expect(after.status).toBe(202);
    expect((await harness.storedEvents()).length).toBe(before + 1);

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/daalu_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/events",status="202"/);
    expect(metrics).toMatch(/daalu_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/events",status="415"/);
  });

  it('returns the first event’s id for a retried POST with the same Idempotency-Key, storing one event', async () => {
    const headers = { ...withKey(), 'idempotency-key': `deploy-42-${tenant.id}` };
    const first = await post(events, PAGE_EXAMPLE, headers);
    const retry = await post(events, PAGE_EXAMPLE, headers);
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ id: first.body.id, duplicate: true });
    const stored = (await harness.storedEvents()).filter((event) => event.id === first.body.id);
    expect(stored).toHaveLength(1);
    // Remembered for 24 hours: the bucket's time-to-live.
    const bucket = await harness.nats.jsm.streams.info(`KV_${harness.nats.streams.idempotencyBucket}`);
    expect(bucket.config.max_age).toBe(24 * 60 * 60 * 1e9);
    const other = await post(events, PAGE_EXAMPLE, { ...withKey(), 'idempotency-key': `deploy-43-${tenant.id}` });
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('takes a batch with a result per item: 202 when all are stored, 207 with reasons otherwise', async () => {
    const all = await post(`${events}/batch`, [PAGE_EXAMPLE, { ...PAGE_EXAMPLE, type: 'deploy.started' }], withKey());
    expect(all.status).toBe(202);
    expect(all.body).toMatchObject({ accepted: 2, rejected: 0 });
    const mixed = await post(`${events}/batch`, [PAGE_EXAMPLE, { type: 'x.y' }, PAGE_EXAMPLE], withKey());
    expect(mixed.status).toBe(207);
    const items = mixed.body.items as Array<{ index: number; status: number; id?: string; errors?: unknown }>;
    expect(items.map((item) => item.status)).toEqual([202, 400, 202]);
    expect(items[1].errors).toEqual([
      { field: 'source', message: 'source is required' },
      { field: 'summary', message: 'summary is required' },
    ]);
    const storedIds = new Set((await harness.storedEvents()).map((event) => event.id));
    expect(storedIds.has(items[0].id!) && storedIds.has(items[2].id!)).toBe(true);
    const empty = await post(`${events}/batch`, [], withKey());
    expect(empty.status).toBe(400);
  });

  it('shows the inbound history to the tenant: status, timing, request/response, key redacted', async () => {
    await post(events, JSON.stringify({ ...PAGE_EXAMPLE, payload: { blob: 'x'.repeat(1024 * 1024) } }), withKey());
    await post(events, PAGE_EXAMPLE, withKey());
    await post(events, { type: 'x' }, withKey());
    const response = await fetch(`${gateway.url}/api/v1/ingest`, {
      headers: { authorization: `Bearer ${tenant.apiToken}` },
    });
    expect(response.status).toBe(200);
    const detail = (await response.json()) as {
      endpoint: string;
      ingestKey: { masked: string };
      lastRequest: { status: number };
      requests: Array<{
        status: number;
        durationMs: number;
        request: { headers: Record<string, string>; body: string };
      }>;
    };
    expect(detail.endpoint).toBe('http://localhost:8080/api/v1/events');
    expect(detail.ingestKey.masked).toBe(`${tenant.ingestKey.slice(0, 8)}…`);
    expect(detail.requests.map((r) => r.status)).toEqual([400, 202, 413]);
    expect(detail.lastRequest.status).toBe(400);
    expect(detail.requests[1].request.headers['x-daalu-key']).toBe(`${tenant.ingestKey.slice(0, 8)}…`);
    expect(detail.requests[1].request.body).toBe(JSON.stringify(PAGE_EXAMPLE));
    expect(detail.requests[1].durationMs).toBeGreaterThan(0);
    expect(JSON.stringify(detail)).not.toContain(tenant.ingestKey);

    const other = await harness.createTenant(gateway, 'other');
    const otherView = await fetch(`${gateway.url}/api/v1/ingest`, {
      headers: { authorization: `Bearer ${other.apiToken}` },
    });
    expect(((await otherView.json()) as { requests: unknown[] }).requests).toEqual([]);
    const anonymous = await fetch(`${gateway.url}/api/v1/ingest`);
    expect(anonymous.status).toBe(401);
  });

  it('purges inbound history older than 30 days', async () => {
    await post(events, PAGE_EXAMPLE, withKey());
    const history = gateway.app.get(InboundHistory);
    await history.flush();
    const count = async () =>
      Number(
        (
          await harness.db.query<{ n: string }>(
            `SELECT count(*) AS n FROM ingest.inbound_request WHERE tenant_id = $1`,
            [tenant.id],
          )
        )[0].n,
      );
    expect(await count()).toBe(1);
    await history.purge(Date.now() + 29 * 86_400_000);
    expect(await count()).toBe(1);
    await history.purge(Date.now() + 31 * 86_400_000);
    expect(await count()).toBe(0);
  });

  it('creates tenants only with the operator token, and validates the body', async () => {
    const noToken = await post(`${gateway.url}/api/v1/tenants`, { name: 'x' });
    expect(noToken.status).toBe(401);
    const tenantToken = await post(
      `${gateway.url}/api/v1/tenants`,
      { name: 'x' },
      { authorization: `Bearer ${tenant.apiToken}` },
    );
    expect(tenantToken.status).toBe(401);
    const invalid = await post(
      `${gateway.url}/api/v1/tenants`,
      { name: '' },
      { authorization: `Bearer ${OPERATOR_TOKEN}` },
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual([{ field: 'name', message: 'name should not be empty' }]);
    const nul = await post(
      `${gateway.url}/api/v1/tenants`,
      { name: 'acme\u0000' },
      { authorization: `Bearer ${OPERATOR_TOKEN}` },
    );
    expect(nul.status).toBe(400);
    expect(nul.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(nul.body.errors).toEqual([{ field: 'name', message: 'must not contain a NUL character (\\u0000)' }]);
    const lone = await post(
      `${gateway.url}/api/v1/tenants`,
      { name: 'acme \udfff' },
      { authorization: `Bearer ${OPERATOR_TOKEN}` },
    );
    expect(lone.status).toBe(400);
    expect(lone.body.errors).toEqual([{ field: 'name', message: expect.stringMatching(/lone surrogate/) }]);
    const query = await fetch(`${gateway.url}/api/v1/ingest?view=%00`, {
      headers: { authorization: `Bearer ${tenant.apiToken}` },
    });
    expect(query.status).toBe(400);
    expect(((await query.json()) as { errors: unknown }).errors).toEqual([
      { field: 'view', message: expect.stringMatching(/NUL/) },
    ]);
  });

  it('keeps every key and token out of the database, the log stream and the application logs', async () => {
    const secrets = [tenant.ingestKey, tenant.apiToken];
    await post(events, PAGE_EXAMPLE, withKey());
    await post(events, { bad: true }, withKey());
    await fetch(`${gateway.url}/api/v1/ingest`, { headers: { authorization: `Bearer ${tenant.apiToken}` } });
    const rotated = await fetch(`${gateway.url}/api/v1/ingest-key/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.apiToken}` },
    });
    secrets.push(((await rotated.json()) as { ingestKey: string }).ingestKey);

    const tables = await harness.db.query<{ dump: string }>(
      `SELECT string_agg(t::text, E'\\n') AS dump FROM ingest.inbound_request t`,
    );
    const { jsm, streams } = harness.nats;
    const log: string[] = [];
    for (const stream of [streams.config, streams.events]) {
      const info = await jsm.streams.info(stream);
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
        if (message) log.push(message.string());
      }
    }
    const everything = [tables[0].dump ?? '', ...log, ...harness.logs].join('\n');
    expect(everything.length).toBeGreaterThan(1000);
    expect(log.some((text) => text.includes('"keyHash"'))).toBe(true);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
