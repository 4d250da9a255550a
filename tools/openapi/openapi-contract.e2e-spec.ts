import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PAGE_EXAMPLE_ENVELOPE } from '@daalu/contracts/testing';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import { eventually, SseClient, type TestDatabase, type TestNats } from '@daalu/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the real origin, as its own tests start it
import { startOrigin } from '../../apps/origin/test/origin-harness';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the four compiled apps, as the fault suites start them
import { OPERATOR_TOKEN, Stack, stackEnv } from '../faults/test/stack';
import { OpenApiContract, type RealAnswer } from './test/openapi-contract';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read freely once the contract accepted them
type Json = any;

/**
 * Contract test of docs/openapi.json: the four compiled apps against the real PostgreSQL and NATS,
 * behind the real origin; every operation of the document is called, and each answer (successes, and
 * problem+json errors from every app) must be one the document declares, with a body its schema accepts.
 */
describe('the API answers as docs/openapi.json says', () => {
  const contract = new OpenApiContract();
  let db: TestDatabase;
  let nats: TestNats;
  let stack: Stack;
  let origin: Awaited<ReturnType<typeof startOrigin>>;
  let receiver: Server;
  let receiverUrl: string;
  let tenant: { id: string; ingestKey: string; apiToken: string };

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('openapi_contract'));
    stack = await Stack.start(stackEnv(appEnv(db, nats)));
    origin = await startOrigin({
      gateway: stack.base('gateway'),
      timeline: stack.base('timeline'),
      rules: stack.base('rules'),
      outbound: stack.base('dispatcher'),
    });
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  }, 120_000);

  afterAll(async () => {
    await origin?.close();
    await stack?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
    await nats?.cleanup();
    await db?.drop();
  }, 60_000);

  /** One request through the origin, checked against the document. */
  async function call(
    method: string,
    path: string,
    options: {
      token?: string;
      key?: string;
      json?: unknown;
      body?: string;
      contentType?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<RealAnswer & { body: Json }> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.key) headers['x-daalu-key'] = options.key;
    const body = options.json !== undefined ? JSON.stringify(options.json) : options.body;
    if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const response = await fetch(`${origin.url}${path}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type');
    const answer = {
      status: response.status,
      contentType,
      body: text === '' ? undefined : /json/.test(contentType ?? '') ? JSON.parse(text) : text,
    };
    contract.check(method, path, answer);
    return answer;
  }

  /** A tenant call to an app that learns the tenant's token from the log: a 401 right after creation is retried. */
  const tenantCall = (method: string, path: string, options: Parameters<typeof call>[2] = {}) =>
    eventually(
      () => call(method, path, { token: tenant.apiToken, ...options }),
      (answer) => answer.status !== 401,
      { what: `${method} ${path} with a new token`, timeoutMs: 15_000 },
    );

  it('tenants, ingest keys and the ingest history (gateway)', async () => {
    expect((await call('POST', '/api/v1/tenants', { json: { name: 'acme' } })).status).toBe(401);
    const created = await call('POST', '/api/v1/tenants', { token: OPERATOR_TOKEN, json: { name: 'acme' } });
    expect(created.status).toBe(201);
    tenant = created.body;
    expect((await call('POST', '/api/v1/tenants', { token: OPERATOR_TOKEN, json: { name: '' } })).status).toBe(400);
    const limit = await call('PUT', `/api/v1/tenants/${tenant.id}/rate-limit`, {
      token: OPERATOR_TOKEN,
      json: { perSecond: 1000, burst: 1000 },
    });
    expect(limit.status).toBe(200);
    expect(
      (await call('PUT', `/api/v1/tenants/not-a-uuid/rate-limit`, { token: OPERATOR_TOKEN, json: { perSecond: 5 } }))
        .status,
    ).toBe(400);

    expect((await call('POST', '/api/v1/events', { key: tenant.ingestKey, json: PAGE_EXAMPLE_ENVELOPE })).status).toBe(
      202,
    );
    const warned = await call('POST', '/api/v1/events', {
      key: tenant.ingestKey,
      json: { ...PAGE_EXAMPLE_ENVELOPE, type: 'diskfull', extra: 1 },
      headers: { 'idempotency-key': 'contract-1' },
    });
    expect(warned.body.warnings.length).toBeGreaterThan(0);
    expect((await call('POST', '/api/v1/events', { key: 'dik_nope', json: PAGE_EXAMPLE_ENVELOPE })).status).toBe(401);
    expect((await call('POST', '/api/v1/events', { key: tenant.ingestKey, json: { type: 'x.y' } })).status).toBe(400);
    expect(
      (await call('POST', '/api/v1/events', { key: tenant.ingestKey, body: 'hi', contentType: 'text/plain' })).status,
    ).toBe(415);
    const batch = await call('POST', '/api/v1/events/batch', {
      key: tenant.ingestKey,
      json: [PAGE_EXAMPLE_ENVELOPE, { type: 'x.y' }],
    });
    expect(batch.status).toBe(207);
    expect(
      (await call('POST', '/api/v1/events/batch', { key: tenant.ingestKey, json: [PAGE_EXAMPLE_ENVELOPE] })).status,
    ).toBe(202);
    // The largest batch the document allows is the largest the gateway takes.
    const max = (contract.document as Json).paths['/api/v1/events/batch'].post.requestBody.content['application/json']
      .schema.maxItems;
    const tooMany = Array.from({ length: max + 1 }, () => ({ type: 'x.y', source: 's', summary: 's' }));
    expect((await call('POST', '/api/v1/events/batch', { key: tenant.ingestKey, json: tooMany })).status).toBe(400);

    expect((await tenantCall('GET', '/api/v1/ingest')).status).toBe(200);
    const rotated = await tenantCall('POST', '/api/v1/ingest-key/rotate', { json: { graceSeconds: 3600 } });
    expect(rotated.status).toBe(201);
    tenant.ingestKey = rotated.body.ingestKey; // the old one is revoked next
    expect((await tenantCall('GET', '/api/v1/ingest-key')).body.previous).not.toBeNull();
    expect((await tenantCall('POST', '/api/v1/ingest-key/revoke-previous')).status).toBe(200);
    expect((await tenantCall('POST', '/api/v1/ingest-key/revoke-previous')).status).toBe(404);

    const token = await tenantCall('POST', '/api/v1/api-tokens', { json: { name: 'contract', scopes: ['read'] } });
    expect(token.status).toBe(201);
    expect((await tenantCall('POST', '/api/v1/api-tokens', { json: { name: 'x', scopes: ['root'] } })).status).toBe(
      400,
    );
    expect((await tenantCall('GET', '/api/v1/api-tokens')).body.items).toHaveLength(2);
    expect((await tenantCall('DELETE', `/api/v1/api-tokens/${token.body.id}`)).status).toBe(204);

    expect((await call('GET', '/api/v1/tenants?q=acme', { token: OPERATOR_TOKEN })).body.items).toHaveLength(1);
    expect((await call('GET', `/api/v1/tenants/${tenant.id}`, { token: OPERATOR_TOKEN })).status).toBe(200);
    const other = await call('POST', '/api/v1/tenants', { token: OPERATOR_TOKEN, json: { name: 'gone' } });
    for (const action of ['suspend', 'resume']) {
      expect((await call('POST', `/api/v1/tenants/${other.body.id}/${action}`, { token: OPERATOR_TOKEN })).status).toBe(
        200,
      );
    }
    expect((await call('DELETE', `/api/v1/tenants/${other.body.id}`, { token: OPERATOR_TOKEN })).status).toBe(204);
    expect((await call('DELETE', `/api/v1/tenants/${other.body.id}`, { token: OPERATOR_TOKEN })).status).toBe(404);
    const audit = await eventually(
      () => tenantCall('GET', '/api/v1/audit?action=tenant.*&limit=5'),
      (answer) => answer.body.items?.length > 0,
      { what: 'the tenant in the audit log' },
    );
    expect(audit.status).toBe(200);
    expect((await tenantCall('GET', '/api/v1/audit?since=yesterday')).status).toBe(400);
  });

  it('the timeline, listed and live (timeline projector)', async () => {
    const page = await eventually(
      () => tenantCall('GET', '/api/v1/events?limit=5'),
      (answer) => answer.body.items?.length > 0,
      { what: 'the events on the timeline' },
    );
    expect(page.status).toBe(200);
    expect((await tenantCall('GET', '/api/v1/events?limit=0&sevrity=high')).status).toBe(400);
    // The histogram of the last hour holds the events just sent: every bucket there, zeros too.
    const histogram = await tenantCall('GET', '/api/v1/events/histogram?severity=warning,critical');
    expect(histogram.status).toBe(200);
    expect(histogram.body.bucketSeconds).toBe(60);
    expect(histogram.body.buckets.length).toBeGreaterThanOrEqual(60);
    expect(histogram.body.buckets.reduce((sum: number, b: { count: number }) => sum + b.count, 0)).toBeGreaterThan(0);
    const since = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const tooLong = await tenantCall('GET', `/api/v1/events/histogram?since=${since}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors).toEqual([{ field: 'since', message: expect.any(String) }]);
    const stream = new SseClient(`${origin.url}/api/v1/events/stream`, {
      authorization: `Bearer ${tenant.apiToken}`,
      'last-event-id': '0',
    });
    try {
      expect(await stream.status).toBe(200);
      await eventually(
        () => stream.events.filter((event) => event.event === 'entry').length,
        (n) => n > 0,
        {
          what: 'an entry on the stream',
        },
      );
      for (const event of stream.events.filter((one) => one.event === 'entry')) {
        contract.check('GET', '/api/v1/events', {
          status: 200,
          contentType: 'application/json',
          body: { items: [JSON.parse(event.data)], nextCursor: null },
        });
      }
    } finally {
      await stream.close();
    }
    // The stream itself: a 200 of text/event-stream, its first event read and the connection dropped.
    const abort = new AbortController();
    const live = await fetch(`${origin.url}/api/v1/events/stream`, {
      headers: { authorization: `Bearer ${tenant.apiToken}` },
      signal: abort.signal,
    });
    const first = await live.body!.getReader().read();
    abort.abort();
    contract.check('GET', '/api/v1/events/stream', {
      status: live.status,
      contentType: live.headers.get('content-type'),
      body: new TextDecoder().decode(first.value),
    });
    const badResume = await call('GET', '/api/v1/events/stream', {
      token: tenant.apiToken,
      headers: { 'last-event-id': 'x' },
    });
    expect(badResume.status).toBe(400);
  });

  it('alert rules, alerts, evaluations and proposals (rule evaluator)', async () => {
    const rule = {
      name: 'Backup disk almost full',
      kind: 'match',
      match: { type: 'check.failed', payload: [{ field: 'pct', op: 'gte', value: 90 }] },
      groupBy: 'payload.host',
      alert: { severity: 'critical', summary: 'disk almost full on {{payload.host}}' },
      resolve: { quietSeconds: 900 },
    };
    const created = await tenantCall('POST', '/api/v1/alert-rules', { json: rule });
    expect(created.status).toBe(201);
    expect((await tenantCall('POST', '/api/v1/alert-rules', { json: { ...rule, kind: 'sometimes' } })).status).toBe(
      400,
    );
    expect((await tenantCall('GET', '/api/v1/alert-rules')).status).toBe(200);
    expect((await tenantCall('GET', '/api/v1/event-types')).status).toBe(200);
    expect((await tenantCall('GET', `/api/v1/alert-rules/${created.body.id}`)).status).toBe(200);
    expect(
      (await tenantCall('PUT', `/api/v1/alert-rules/${created.body.id}`, { json: { ...rule, enabled: true } })).status,
    ).toBe(200);

    const event = await call('POST', '/api/v1/events', { key: tenant.ingestKey, json: PAGE_EXAMPLE_ENVELOPE });
    const alerts = await eventually(
      () => tenantCall('GET', '/api/v1/alerts?state=firing'),
      (answer) => answer.body.items?.length > 0,
      { what: 'the alert fired' },
    );
    expect(alerts.body.items[0].lastSeenAt).toEqual(expect.any(String));
    const firing = alerts.body.items[0].id;
    expect((await tenantCall('POST', `/api/v1/alerts/${firing}/acknowledge`, { json: { note: 'mine' } })).status).toBe(
      200,
    );
    expect((await tenantCall('POST', `/api/v1/alerts/${firing}/unacknowledge`)).status).toBe(200);
    expect((await tenantCall('POST', `/api/v1/alerts/${firing}/resolve`, { json: { note: 'done' } })).status).toBe(200);
    expect((await tenantCall('POST', `/api/v1/alerts/${firing}/resolve`)).status).toBe(409);
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const silence = await tenantCall('POST', '/api/v1/silences', {
      json: { matchers: { severity: 'critical' }, endsAt },
    });
    expect(silence.status).toBe(201);
    expect((await tenantCall('POST', '/api/v1/silences', { json: { matchers: {}, endsAt: 'soon' } })).status).toBe(400);
    expect((await tenantCall('GET', '/api/v1/silences?state=active')).body.items).toHaveLength(1);
    expect((await tenantCall('GET', `/api/v1/silences/${silence.body.id}`)).status).toBe(200);
    expect((await tenantCall('POST', `/api/v1/silences/${silence.body.id}/expire`)).body.state).toBe('expired');
    expect((await tenantCall('GET', '/api/v1/alerts?state=sleeping')).status).toBe(400);
    const check = await tenantCall('POST', '/api/v1/alert-rules', {
      json: {
        name: 'nightly backup',
        kind: 'absence',
        match: { type: 'backup.done' },
        schedule: '0 3 * * *',
        timezone: 'Europe/Berlin',
        graceSeconds: 600,
        maxRunSeconds: 3600,
        alert: { severity: 'critical', summary: 'no backup tonight' },
      },
    });
    expect(check.status).toBe(201);
    expect((await tenantCall('GET', '/api/v1/checks')).body.items[0]).toMatchObject({ state: 'new' });
    expect((await tenantCall('GET', '/api/v1/checks?state=asleep')).status).toBe(400);
    expect((await tenantCall('POST', `/api/v1/checks/${check.body.id}/pause`)).body.items[0].state).toBe('paused');
    expect((await tenantCall('POST', `/api/v1/checks/${check.body.id}/resume`)).body.items[0].state).toBe('new');
    const evaluations = await tenantCall('GET', `/api/v1/events/${event.body.id}/evaluations`);
    expect(evaluations.status).toBe(200);
    expect(evaluations.body.alerts.length).toBe(1);
    expect((await tenantCall('GET', '/api/v1/events/ffffffff-ffff-7fff-bfff-ffffffffffff/evaluations')).status).toBe(
      400,
    );
    expect((await tenantCall('DELETE', `/api/v1/alert-rules/${created.body.id}`)).status).toBe(204);
    expect((await tenantCall('GET', `/api/v1/alert-rules/${created.body.id}`)).status).toBe(404);

    const proposal = await tenantCall('POST', '/api/v1/proposals', {
      json: { kind: 'scale-up', title: 'Add a host', payload: { hosts: 2 } },
    });
    expect(proposal.status).toBe(201);
    const other = await tenantCall('POST', '/api/v1/proposals', { json: { kind: 'scale-up', title: 'Add two' } });
    expect((await tenantCall('GET', '/api/v1/proposals?state=pending')).status).toBe(200);
    expect((await tenantCall('GET', `/api/v1/proposals/${proposal.body.id}`)).status).toBe(200);
    expect(
      (await tenantCall('POST', `/api/v1/proposals/${proposal.body.id}/approve`, { json: { reason: 'fits' } })).status,
    ).toBe(200);
    expect((await tenantCall('POST', `/api/v1/proposals/${proposal.body.id}/reject`)).status).toBe(409);
    expect((await tenantCall('POST', `/api/v1/proposals/${other.body.id}/reject`, { json: {} })).status).toBe(200);
  });

  it('outbound webhooks and their deliveries (outbound dispatcher)', async () => {
    const hook = {
      url: receiverUrl,
      description: 'contract',
      trigger: { events: { type: 'deploy.*' } },
      headers: { 'X-Team': 'ops' },
    };
    const created = await tenantCall('POST', '/api/v1/webhooks', { json: hook });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await tenantCall('POST', '/api/v1/webhooks', { json: { ...hook, trigger: {} } })).status).toBe(400);
    expect((await tenantCall('GET', '/api/v1/webhooks')).status).toBe(200);
    expect((await tenantCall('GET', `/api/v1/webhooks/${id}`)).status).toBe(200);
    expect((await tenantCall('GET', '/api/v1/webhooks/0193a5b2-7c1e-7d4a-9b3f-2e8c4a6d1f05')).status).toBe(404);
    expect(
      (
        await tenantCall('PUT', `/api/v1/webhooks/${id}`, {
          json: { ...hook, batch: { maxEvents: 10, maxSeconds: 1 } },
        })
      ).status,
    ).toBe(200);
    expect((await tenantCall('PUT', `/api/v1/webhooks/${id}`, { json: { ...hook, batch: undefined } })).status).toBe(
      200,
    );
    expect((await tenantCall('GET', `/api/v1/webhooks/${id}/secret`)).status).toBe(200);
    expect((await tenantCall('POST', `/api/v1/webhooks/${id}/rotate-secret`)).status).toBe(200);
    expect((await tenantCall('POST', `/api/v1/webhooks/${id}/test`)).status).toBe(202);
    const deliveries = await eventually(
      () => tenantCall('GET', `/api/v1/webhooks/${id}/deliveries`),
      (answer) => answer.body.items?.[0]?.state === 'delivered',
      { what: 'the test event delivered' },
    );
    const deliveryId = deliveries.body.items[0].id;
    expect((await tenantCall('POST', `/api/v1/deliveries/${deliveryId}/redeliver`)).status).toBe(202);
    expect((await tenantCall('POST', '/api/v1/deliveries/0193a5b2-7c1e-7d4a-9b3f-2e8c4a6d1f05/redeliver')).status).toBe(
      404,
    );
    const filtered = await tenantCall('GET', `/api/v1/webhooks/${id}/deliveries?status=delivered,pending&limit=1`);
    expect(filtered.status).toBe(200);
    expect((await tenantCall('GET', `/api/v1/webhooks/${id}/deliveries?status=lost`)).status).toBe(400);
    // The test event and its redelivery, answered by the receiver: this hour's latency is known.
    const stats = await eventually(
      () => tenantCall('GET', `/api/v1/webhooks/${id}/stats`),
      (answer) => answer.body.buckets?.some((b: { delivered: number }) => b.delivered > 0),
      { what: 'the delivered test event in the stats' },
    );
    expect(stats.status).toBe(200);
    const hour = stats.body.buckets.find((b: { delivered: number }) => b.delivered > 0);
    expect(hour).toEqual({
      at: expect.any(String),
      delivered: expect.any(Number),
      failed: expect.any(Number),
      p50Ms: expect.any(Number),
      p99Ms: expect.any(Number),
    });
    expect(hour.p50Ms).toBeLessThanOrEqual(hour.p99Ms);
    const recovery = await tenantCall('POST', `/api/v1/webhooks/${id}/recover`, {
      json: { since: new Date(Date.now() - 3_600_000).toISOString(), status: ['failed'] },
    });
    expect(recovery.status).toBe(202);
    expect((await tenantCall('POST', `/api/v1/webhooks/${id}/recover`, { json: { since: 'soon' } })).status).toBe(400);
    expect((await tenantCall('GET', `/api/v1/webhooks/${id}/recoveries/${recovery.body.id}`)).status).toBe(200);
    expect((await tenantCall('DELETE', `/api/v1/webhooks/${id}`)).status).toBe(204);
  });

  it('the origin’s own answers', async () => {
    expect((await call('GET', '/health/live')).status).toBe(200);
    expect([200, 503]).toContain((await call('GET', '/health/ready')).status);
    expect((await call('GET', '/api/openapi.json')).status).toBe(200);
    expect((await call('GET', '/api/docs')).status).toBe(200);
    expect((await call('GET', '/problems/')).status).toBe(200);
    expect((await call('GET', '/problems/invalid-body')).status).toBe(200);
    expect((await call('GET', '/problems/no-such-problem')).status).toBe(404);
  });

  it('called every operation of the document, and got problem+json errors from every app', () => {
    const succeeded = new Set(
      [...contract.checked].filter((key) => /\s2\d\d$/.test(key)).map((key) => key.replace(/\s\d+$/, '')),
    );
    expect(contract.operations().filter((operation) => !succeeded.has(operation))).toEqual([]);
    const errors = [...contract.checked].filter((key) => /\s4\d\d$/.test(key));
    for (const prefix of ['/api/v1/tenants', '/api/v1/events', '/api/v1/alert-rules', '/api/v1/webhooks']) {
      expect({ prefix, errors: errors.some((key) => key.split(' ')[1].startsWith(prefix)) }).toEqual({
        prefix,
        errors: true,
      });
    }
  });
});
