import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, launchStack, type LaunchedStack, type TestDatabase, type TestNats } from '@daalu/testing';

/** Two operator tokens accepted at once: how an operator token is rotated without downtime. */
const OPERATOR_TOKENS = ['access-test-operator-token-old', 'access-test-operator-token-new'];
const UNKNOWN_ID = '0194f3a2-7c1e-7a00-8000-0000000000aa';

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The routes that need the admin scope, whatever their method; every other route needs its method's. */
const ADMIN_ROUTES: Array<[method: string, path: RegExp]> = [
  ['*', /^\/api\/v1\/api-tokens/],
  ['*', /^\/api\/v1\/audit/],
  ['POST', /^\/api\/v1\/ingest-key\//],
  ['GET', /^\/api\/v1\/webhooks\/[^/]+\/secret$/],
  ['POST', /^\/api\/v1\/webhooks\/[^/]+\/rotate-secret$/],
];

function expectedScope(method: string, path: string): 'read' | 'write' | 'admin' {
  if (ADMIN_ROUTES.some(([m, pattern]) => (m === '*' || m === method) && pattern.test(path))) return 'admin';
  return method === 'GET' ? 'read' : 'write';
}

/**
 * Access as a team runs it, on the whole stack behind the one origin (`npm start`'s launcher): named and
 * scoped API tokens (a table-driven sweep of every tenant route in the published OpenAPI document),
 * revocation seen by every app within a second, expiry, the last admin token kept, suspension and
 * resumption, the ingest key's rotation state and early revocation, operator tokens accepted from a list,
 * and a deleted tenant leaving no row in any app's schema.
 */
describe('API tokens, scopes, tenant administration', () => {
  let stack: LaunchedStack;
  let db: TestDatabase;
  let nats: TestNats;
  let baseUrl: string;
  let tenant: { id: string; ingestKey: string; apiToken: string };
  const tokens: Record<'read' | 'write' | 'admin', { id: string; token: string; prefix: string }> = {} as never;

  async function call(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<Answer> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status, body: null };
    }
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }
  const operator = (method: string, path: string, body?: unknown, which = 0) =>
    call(method, path, OPERATOR_TOKENS[which], body);
  const ingest = (key: string) =>
    fetch(`${baseUrl}/api/v1/events`, {
      method: 'POST',
      headers: { 'x-daalu-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'deploy.finished', source: 'ci', summary: 'deployed api', severity: 'info' }),
    }).then(async (r): Promise<Answer> => ({ status: r.status, body: await r.json() }));

  beforeAll(async () => {
    stack = await launchStack('access', {
      DAALU_OPERATOR_TOKEN: OPERATOR_TOKENS.join(','),
      DAALU_OUTBOUND_ALLOW: '127.0.0.0/8',
    });
    ({ baseUrl, db, nats } = stack);
    const created = await operator('POST', '/api/v1/tenants', { name: 'access-test' });
    expect(created.status).toBe(201);
    tenant = created.body;
  }, 150_000);

  afterAll(() => stack?.stop(), 60_000);

  it('lists the token issued at creation as an admin token named "initial", created by the operator', async () => {
    const listed = await call('GET', '/api/v1/api-tokens', tenant.apiToken);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        name: 'initial',
        scopes: ['admin'],
        prefix: `${tenant.apiToken.slice(0, 8)}…`,
        createdBy: expect.stringMatching(/^operator \([0-9a-f]{8}\)$/),
        expiresAt: null,
      }),
    ]);
    // The first use was just now: it is recorded, to the minute.
    const again = await eventually(
      () => call('GET', '/api/v1/api-tokens', tenant.apiToken),
      (a) => a.body.items[0].lastUsedAt !== null,
      { what: 'lastUsedAt recorded' },
    );
    expect(Math.abs(Date.parse(again.body.items[0].lastUsedAt) - Date.now())).toBeLessThan(60_000);
  });

  it('creates named, scoped tokens, each shown once', async () => {
    for (const scope of ['read', 'write', 'admin'] as const) {
      const created = await call('POST', '/api/v1/api-tokens', tenant.apiToken, {
        name: `${scope} bot`,
        scopes: [scope],
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: `${scope} bot`, scopes: [scope], lastUsedAt: null, expiresAt: null });
      expect(created.body.token).toMatch(/^dat_[0-9A-Za-z]{49}$/);
      expect(created.body.createdBy).toBe(`initial (${tenant.apiToken.slice(0, 8)}…)`);
      tokens[scope] = { id: created.body.id, token: created.body.token, prefix: created.body.prefix };
    }
    const listed = await call('GET', '/api/v1/api-tokens', tenant.apiToken);
    expect(listed.body.items.map((t: { name: string }) => t.name)).toEqual([
      'initial',
      'read bot',
      'write bot',
      'admin bot',
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(tokens.read.token);
  });

  it('refuses bad token specs with 400 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ name: '', scopes: ['read'] }, 'name'],
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'x', scopes: ['root'] }, 'scopes'],
      [{ name: 'x\u0000y', scopes: ['read'] }, 'name'],
      [{ name: 'x', scopes: ['read'], expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
      [{ name: 'x', scopes: ['read'], expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ name: 'x', scopes: ['read'], extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const answer = await call('POST', '/api/v1/api-tokens', tenant.apiToken, body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('holds every tenant route to its scope: 403 naming the scope below it, never 403 at or above it', async () => {
    const openapi = JSON.parse(readFileSync(join(__dirname, '../../../../docs/openapi.json'), 'utf8'));
    const routes: Array<{ method: string; path: string }> = [];
    for (const [template, operations] of Object.entries<Record<string, { security?: object[] }>>(openapi.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!operation.security?.some((s) => 'tenantToken' in s)) continue;
        routes.push({ method: method.toUpperCase(), path: template.replace(/\{[^}]+\}/g, UNKNOWN_ID) });
      }
    }
    expect(routes.length).toBeGreaterThan(30);
    const outcomes: string[] = [];
    for (const { method, path } of routes) {
      const required = expectedScope(method, path);
      for (const scope of ['read', 'write', 'admin'] as const) {
        // An invalid body: a route the token may use answers 400 or 404, and changes nothing.
        const body = method === 'GET' || method === 'DELETE' ? undefined : { graceSeconds: -1 };
        const answer = await call(method, path, tokens[scope].token, body, AbortSignal.timeout(5_000));
        const allowed = ['read', 'write', 'admin'].indexOf(scope) >= ['read', 'write', 'admin'].indexOf(required);
        const verdict = answer.status === 403 ? `403 ${answer.body?.requiredScope}` : 'let through';
        const expected = allowed ? 'let through' : `403 ${required}`;
        outcomes.push(
          `${scope.padEnd(5)} ${method} ${path}: ${verdict === expected ? 'ok' : `${verdict}, expected ${expected}`}`,
        );
        if (answer.status === 403) expect(answer.body.type).toBe('/problems/insufficient-scope');
        expect(answer.status).not.toBe(401);
      }
    }
    expect(outcomes.filter((line) => !line.endsWith(': ok'))).toEqual([]);
  }, 120_000);

  it('keeps operator routes for operator tokens: a tenant admin token is 401 there', async () => {
    expect((await call('GET', '/api/v1/tenants', tokens.admin.token)).status).toBe(401);
    expect((await call('POST', `/api/v1/tenants/${tenant.id}/suspend`, tenant.apiToken, {})).status).toBe(401);
    // Both listed operator tokens work, each recorded as itself.
    const [first, second] = await Promise.all([
      operator('GET', `/api/v1/tenants/${tenant.id}`),
      operator('GET', `/api/v1/tenants/${tenant.id}`, undefined, 1),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
  });

  it('revokes a token on every app within a second', async () => {
    const created = await call('POST', '/api/v1/api-tokens', tenant.apiToken, {
      name: 'short-lived',
      scopes: ['read'],
    });
    const token = created.body.token as string;
    const probes = ['/api/v1/ingest-key', '/api/v1/events', '/api/v1/alerts', '/api/v1/webhooks'];
    for (const path of probes)
      expect({ path, status: (await call('GET', path, token)).status }).toEqual({ path, status: 200 });

    const revoked = await call('DELETE', `/api/v1/api-tokens/${created.body.id}`, tenant.apiToken);
    expect(revoked.status).toBe(204);
    const answeredAt = Date.now();
    const refusedAfter = await Promise.all(
      probes.map(async (path) => {
        await eventually(
          () => call('GET', path, token),
          (a) => a.status === 401,
          { intervalMs: 10, timeoutMs: 3_000, what: `${path} refuses` },
        );
        return Date.now() - answeredAt;
      }),
    );
    for (const ms of refusedAfter) expect(ms).toBeLessThan(1_000);
    expect((await call('DELETE', `/api/v1/api-tokens/${created.body.id}`, tenant.apiToken)).status).toBe(404);
  });

  it('refuses a token after its expiry', async () => {
    const expiresAt = new Date(Date.now() + 2_000).toISOString();
    const created = await call('POST', '/api/v1/api-tokens', tenant.apiToken, {
      name: 'expiring',
      scopes: ['read'],
      expiresAt,
    });
    expect(created.status).toBe(201);
    expect((await call('GET', '/api/v1/alerts', created.body.token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 100));
    const refused = await call('GET', '/api/v1/alerts', created.body.token);
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toContain('expired');
  });

  it('never removes the last admin token', async () => {
    // Two admins (initial and admin bot): the first goes, the second is the last.
    expect((await call('DELETE', `/api/v1/api-tokens/${tokens.admin.id}`, tenant.apiToken)).status).toBe(204);
    const initialId = (await call('GET', '/api/v1/api-tokens', tenant.apiToken)).body.items[0].id;
    const refused = await call('DELETE', `/api/v1/api-tokens/${initialId}`, tenant.apiToken);
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('/problems/last-admin-token');
    expect((await call('GET', '/api/v1/alerts', tenant.apiToken)).status).toBe(200);
  });

  it('shows the ingest key rotation after a reload, and revokes the old key at once', async () => {
    const before = await call('GET', '/api/v1/ingest-key', tokens.read.token);
    expect(before.body).toEqual({
      current: expect.objectContaining({ prefix: `${tenant.ingestKey.slice(0, 8)}…` }),
      previous: null,
    });
    const rotated = await call('POST', '/api/v1/ingest-key/rotate', tenant.apiToken, { graceSeconds: 3600 });
    expect(rotated.status).toBe(201);
    const during = await call('GET', '/api/v1/ingest-key', tokens.read.token);
    expect(during.body.previous).toEqual({
      keyId: before.body.current.keyId,
      prefix: before.body.current.prefix,
      expiresAt: rotated.body.previousKeyExpiresAt,
    });
    expect((await ingest(tenant.ingestKey)).status).toBe(202);

    const revoked = await call('POST', '/api/v1/ingest-key/revoke-previous', tenant.apiToken);
    expect(revoked.status).toBe(200);
    expect(revoked.body.previous).toBeNull();
    expect((await ingest(tenant.ingestKey)).status).toBe(401);
    expect((await ingest(rotated.body.ingestKey)).status).toBe(202);
    expect((await call('POST', '/api/v1/ingest-key/revoke-previous', tenant.apiToken)).status).toBe(404);
    tenant.ingestKey = rotated.body.ingestKey;
  });

  it('suspends a tenant (ingest and every app 403, nothing deleted) and resumes it', async () => {
    const suspended = await operator('POST', `/api/v1/tenants/${tenant.id}/suspend`, { reason: 'invoice unpaid' });
    expect(suspended.status).toBe(200);
    expect(suspended.body.state).toBe('suspended');

    const refused = await ingest(tenant.ingestKey);
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('/problems/tenant-suspended');
    for (const path of ['/api/v1/ingest-key', '/api/v1/events', '/api/v1/alerts', '/api/v1/webhooks']) {
      const answer = await eventually(
        () => call('GET', path, tokens.read.token),
        (a) => a.status === 403,
        { timeoutMs: 3_000 },
      );
      expect(answer.body.type).toBe('/problems/tenant-suspended');
    }
    const listed = await operator('GET', '/api/v1/tenants?q=ACCESS');
    expect(listed.body.items).toEqual([expect.objectContaining({ id: tenant.id, state: 'suspended' })]);

    const resumed = await operator('POST', `/api/v1/tenants/${tenant.id}/resume`, undefined, 1);
    expect(resumed.body.state).toBe('active');
    expect((await ingest(tenant.ingestKey)).status).toBe(202);
    await eventually(
      () => call('GET', '/api/v1/events', tokens.read.token),
      (a) => a.status === 200,
      { timeoutMs: 3_000 },
    );
  });

  it('lists and inspects tenants for the operator, with a cursor and a name search', async () => {
    for (const name of ['list-a', 'list-b', 'list-c'])
      expect((await operator('POST', '/api/v1/tenants', { name })).status).toBe(201);
    const first = await operator('GET', '/api/v1/tenants?q=list-&limit=2');
    expect(first.body.items.map((t: { name: string }) => t.name)).toEqual(['list-c', 'list-b']);
    const second = await operator('GET', `/api/v1/tenants?q=list-&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ name: 'list-a' })], nextCursor: null });
    const bad = await operator('GET', '/api/v1/tenants?limit=0&bogus=1');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['bogus', 'limit']);

    const detail = await operator('GET', `/api/v1/tenants/${tenant.id}`);
    expect(detail.body).toMatchObject({
      id: tenant.id,
      name: 'access-test',
      state: 'active',
      ingestKeys: [expect.objectContaining({ current: true, prefix: `${tenant.ingestKey.slice(0, 8)}…` })],
      counts: { apiTokens: detail.body.apiTokens.length, webhooks: 0, alertRules: 0 },
    });
    expect(JSON.stringify(detail.body)).not.toMatch(/dat_[0-9A-Za-z]{49}|dik_[0-9A-Za-z]{49}/);
  });

  it('records who did each thing: the audit log and the facts name the token, the operator, or daalu', async () => {
    const writer = tokens.write.token;
    const hook = await call('POST', '/api/v1/webhooks', writer, {
      url: 'http://127.0.0.1:9/audit',
      description: 'audited hook',
      trigger: { alerts: { states: ['fired'] } },
    });
    expect(hook.status).toBe(201);
    expect((await call('GET', `/api/v1/webhooks/${hook.body.id}/secret`, tenant.apiToken)).status).toBe(200);
    const rule = await call('POST', '/api/v1/alert-rules', writer, {
      name: 'audited rule',
      kind: 'match',
      match: { type: 'deploy.*' },
      alert: { severity: 'warning', summary: 'a deploy' },
    });
    expect(rule.status).toBe(201);
    const proposal = await call('POST', '/api/v1/proposals', writer, {
      kind: 'scale',
      title: 'two more nodes',
      payload: {},
    });
    expect(proposal.status).toBe(201);
    expect((await call('POST', `/api/v1/proposals/${proposal.body.id}/approve`, writer, {})).status).toBe(200);

    const writerActor = `write bot (${tokens.write.prefix})`;
    const adminActor = `initial (${tenant.apiToken.slice(0, 8)}…)`;
    const expected: Array<[action: string, actor: RegExp | string]> = [
      ['api-token.issued', adminActor],
      ['api-token.revoked', adminActor],
      ['ingest-key.rotated', adminActor],
      ['ingest-key.previous-revoked', adminActor],
      ['tenant.suspended', /^operator \([0-9a-f]{8}\)$/],
      ['tenant.resumed', /^operator \([0-9a-f]{8}\)$/],
      ['webhook.created', writerActor],
      ['webhook.secret-revealed', adminActor],
      ['alert-rule.created', writerActor],
      ['proposal.created', writerActor],
      ['proposal.approved', writerActor],
    ];
    const audit = await eventually(
      () => call('GET', '/api/v1/audit?limit=200', tenant.apiToken),
      (a) => expected.every(([action]) => a.body.items?.some((e: { action: string }) => e.action === action)),
      { what: 'every action in the audit log' },
    );
    for (const [action, actor] of expected) {
      const entry = audit.body.items.find((e: { action: string }) => e.action === action);
      expect({ action, actor: entry.actor }).toEqual({
        action,
        actor: typeof actor === 'string' ? actor : expect.stringMatching(actor),
      });
    }
    // The operator's two tokens are told apart, and the filter finds an actor by part of it.
    const operators = new Set(
      audit.body.items
        .filter((e: { action: string }) => e.action.startsWith('tenant.'))
        .map((e: { actor: string }) => e.actor),
    );
    expect(operators.size).toBe(2);
    const byWriter = await call('GET', `/api/v1/audit?actor=${encodeURIComponent('WRITE BOT')}`, tenant.apiToken);
    expect(byWriter.body.items.length).toBeGreaterThanOrEqual(4);
    expect(byWriter.body.items.every((e: { actor: string }) => e.actor === writerActor)).toBe(true);
    // Reading the audit log needs admin.
    expect((await call('GET', '/api/v1/audit', writer)).status).toBe(403);
  });

  it('deletes a tenant: no row of it left in any schema, its config purged from the log, its credentials dead', async () => {
    const doomed = (await operator('POST', '/api/v1/tenants', { name: 'doomed' })).body;
    expect((await ingest(doomed.ingestKey)).status).toBe(202);
    const hook = await call('POST', '/api/v1/webhooks', doomed.apiToken, {
      url: 'http://127.0.0.1:9/hooks',
      description: 'doomed hook',
      trigger: { events: {} },
    });
    expect(hook.status).toBe(201);
    const rule = await call('POST', '/api/v1/alert-rules', doomed.apiToken, {
      name: 'deploys',
      kind: 'match',
      match: { type: 'deploy.*' },
      alert: { severity: 'warning', summary: 'a deploy' },
    });
    expect(rule.status).toBe(201);
    expect((await ingest(doomed.ingestKey)).status).toBe(202);
    const rowsOf = async (tenantId: string) => {
      const tables = await db.query<{ schema: string; name: string }>(
        `SELECT n.nspname AS schema, c.relname AS name FROM pg_attribute a
           JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE a.attname = 'tenant_id' AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
      );
      const counts: Record<string, number> = {};
      for (const { schema, name } of tables) {
        const [{ n }] = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${schema}"."${name}" WHERE tenant_id::text = $1`,
          [tenantId],
        );
        if (n > 0) counts[`${schema}.${name}`] = n;
      }
      return counts;
    };
    // The tenant has rows in more than one app's schema before it goes (the test would prove nothing otherwise).
    const before = await eventually(
      () => rowsOf(doomed.id),
      (c) => Object.keys(c).some((t) => t.startsWith('timeline.')),
      { what: 'rows in the timeline' },
    );
    expect(Object.keys(before).some((t) => t.startsWith('ingest.'))).toBe(true);

    expect((await operator('DELETE', `/api/v1/tenants/${doomed.id}`)).status).toBe(204);
    expect((await operator('GET', `/api/v1/tenants/${doomed.id}`)).status).toBe(404);
    expect((await ingest(doomed.ingestKey)).status).toBe(401);
    for (const path of ['/api/v1/events', '/api/v1/alerts', '/api/v1/webhooks']) {
      await eventually(
        () => call('GET', path, doomed.apiToken),
        (a) => a.status === 401,
        { timeoutMs: 3_000 },
      );
    }
    await eventually(
      () => rowsOf(doomed.id),
      (c) => Object.keys(c).length === 0,
      { timeoutMs: 20_000, what: 'no rows left' },
    );

    const subjects = await nats.jsm.streams.info(nats.streams.config, {
      subjects_filter: nats.subjects.tenantConfig(doomed.id),
    });
    expect(subjects.state.subjects).toEqual({ [`${nats.namespace}.config.${doomed.id}.tenant`]: 1 });
    // The other tenant is untouched.
    expect((await ingest(tenant.ingestKey)).status).toBe(202);
    expect((await call('GET', '/api/v1/events', tokens.read.token)).status).toBe(200);
  }, 60_000);
});
