import { decodeConfigFact, EventIngestedCodec } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { JetStreamPublisher } from '@daalu/platform/jetstream';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  eventually,
  freePort,
  type AppProcess,
  type TestDatabase,
  type TestNats,
  aTenantWithApiToken,
  startReadyProcess,
} from '@daalu/testing';

const SCRIPT = 'apps/rule-evaluator/src/main.js';

/** The documented example rules (docs/rules.md), as a tenant would send them. */
const DISK_RULE = {
  name: 'disk over 90%',
  kind: 'match',
  match: {
    type: 'check.failed',
    module: 'custom',
    source: 'nightly-cron',
    minSeverity: 'warning',
    payload: [{ field: 'pct', op: 'gt', value: 90 }],
  },
  threshold: { count: 5, windowSeconds: 600 },
  groupBy: 'payload.host',
  alert: { severity: 'critical', summary: 'disk on {{payload.host}} at {{payload.pct}}%' },
  resolve: { match: { type: 'check.passed' } },
};
const HEARTBEAT_RULE = {
  name: 'nightly heartbeat',
  kind: 'absence',
  match: { type: 'heartbeat', source: 'cron-1' },
  everySeconds: 60,
  graceSeconds: 30,
  alert: { severity: 'critical', summary: 'cron-1 stopped' },
};

interface RuleView {
  id: string;
  version: number;
  name: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  [key: string]: unknown;
}

/** /api/v1/alert-rules of the rule evaluator, as a process over real NATS and PostgreSQL. */
describe('alert rules API', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let env: Record<string, string>;
  let app: AppProcess;
  let base: string;
  const tokens: Record<string, string> = {};
  const tenantIds: Record<string, string> = {};

  async function tenant(name: string): Promise<void> {
    const { id, token } = await aTenantWithApiToken(nats);
    tokens[name] = token;
    tenantIds[name] = id;
  }

  async function call(name: string | null, method: string, path: string, body?: unknown) {
    const response = await fetch(`${base}/api/v1/alert-rules${path}`, {
      method,
      headers: {
        ...(name ? { authorization: `Bearer ${tokens[name]}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async function startApp(): Promise<void> {
    app = await startReadyProcess(SCRIPT, env, base);
  }

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('rules_api'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      ...appEnv(db, nats),
      PORT: String(port),
      LOG_LEVEL: 'info',
    };
    await tenant('a');
    await tenant('b');
    await startApp();
  }, 60_000);

  afterAll(async () => {
    await app?.stop('SIGTERM');
    await nats.cleanup();
    await db.drop();
  });

  it('answers 401 without a tenant API token', async () => {
    expect((await call(null, 'GET', '')).status).toBe(401);
  });

  it('creates, lists, reads, replaces and deletes rules, each change a fact on the log', async () => {
    const disk = await call('a', 'POST', '', DISK_RULE);
    expect(disk.status).toBe(201);
    expect(disk.body).toMatchObject({ ...DISK_RULE, id: expect.any(String), version: 1, enabled: true });
    const heartbeat = await call('a', 'POST', '', HEARTBEAT_RULE);
    expect(heartbeat.status).toBe(201);
    expect(heartbeat.body).toMatchObject({ ...HEARTBEAT_RULE, version: 1 });

    const listed = await call('a', 'GET', '');
    expect(listed.body.items.map((r: RuleView) => r.name)).toEqual(['disk over 90%', 'nightly heartbeat']);
    expect(listed.body.nextCursor).toBeNull();
    expect((await call('a', 'GET', `/${disk.body.id}`)).body).toEqual(disk.body);

    const replaced = await call('a', 'PUT', `/${disk.body.id}`, {
      ...DISK_RULE,
      name: 'disk over 95%',
      enabled: false,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id: disk.body.id, version: 2, name: 'disk over 95%', enabled: false });
    expect(replaced.body.createdAt).toBe(disk.body.createdAt);

    // The change is a fact on the CONFIG stream, on the rule's own subject.
    const last = await nats.jsm.streams.getMessage(nats.streams.config, {
      last_by_subj: `${nats.subjects.config(tenantIds.a, 'alert-rule')}.${disk.body.id}`,
    });
    expect(decodeConfigFact(last!.header, last!.data)).toMatchObject({
      kind: 'alert-rule.saved',
      ruleId: disk.body.id,
      version: 2,
      rule: { name: 'disk over 95%' },
    });

    // Two changes of one rule at once: each that lands is a new version; one that raced another is a
    // 409 (read and retry), never a second fact with the same version.
    const [one, two] = await Promise.all([
      call('a', 'PUT', `/${heartbeat.body.id}`, { ...HEARTBEAT_RULE, everySeconds: 120 }),
      call('a', 'PUT', `/${heartbeat.body.id}`, { ...HEARTBEAT_RULE, everySeconds: 180 }),
    ]);
    const landed = [one, two].filter((r) => r.status === 200).length;
    expect([one, two].every((r) => r.status === 200 || r.status === 409)).toBe(true);
    expect(landed).toBeGreaterThanOrEqual(1);
    expect((await call('a', 'GET', `/${heartbeat.body.id}`)).body.version).toBe(1 + landed);
    const versions: number[] = [];
    const ruleFacts = await nats.js.consumers.get(nats.streams.config, {
      filter_subjects: `${nats.subjects.config(tenantIds.a, 'alert-rule')}.${heartbeat.body.id}`,
    });
    for await (const msg of await ruleFacts.fetch({ max_messages: 1 + landed, expires: 2000 })) {
      versions.push(msg.json<{ version: number }>().version);
    }
    expect(versions).toEqual(Array.from({ length: 1 + landed }, (_, i) => i + 1));

    expect((await call('a', 'DELETE', `/${heartbeat.body.id}`)).status).toBe(204);
    expect((await call('a', 'GET', `/${heartbeat.body.id}`)).status).toBe(404);
    expect((await call('a', 'GET', '')).body.items.map((r: RuleView) => r.id)).toEqual([disk.body.id]);

    // Rules live on the log: a restarted evaluator has them again.
    await app.stop('SIGTERM');
    await startApp();
    expect((await call('a', 'GET', `/${disk.body.id}`)).body).toEqual(replaced.body);
  });

  it('keeps each tenant’s rules to itself: another tenant’s ids are 404', async () => {
    const rule = await call('a', 'POST', '', { ...DISK_RULE, name: 'private' });
    expect((await call('b', 'GET', `/${rule.body.id}`)).status).toBe(404);
    expect((await call('b', 'PUT', `/${rule.body.id}`, DISK_RULE)).status).toBe(404);
    expect((await call('b', 'DELETE', `/${rule.body.id}`)).status).toBe(404);
    expect((await call('b', 'GET', '')).body.items).toEqual([]);
    expect((await call('a', 'GET', `/${rule.body.id}`)).status).toBe(200);
    expect((await call('a', 'GET', '/not-a-uuid')).status).toBe(400);
  });

  it('answers 400 naming every offending field', async () => {
    const response = await call('a', 'POST', '', {
      kind: 'sometimes',
      matchh: {},
      match: {
        minSeverity: 'loud',
        payload: [
          { field: 'pct', op: 'gt', value: 'ninety' },
          { field: 'x', op: 'in', value: 'a' },
          { field: 'y', op: 'like' },
        ],
      },
      groupBy: 'payload',
      alert: { severity: 'critical', summary: 'disk on {{hostt}}' },
      resolve: { match: { type: 'check.passed' }, quietSeconds: 60 },
    });
    expect(response.status).toBe(400);
    const fields = (response.body.errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['name', 'kind', 'matchh', 'match.minSeverity', 'match.payload.2.op', 'groupBy']),
    );
    const absence = await call('a', 'POST', '', {
      ...HEARTBEAT_RULE,
      everySeconds: undefined,
      threshold: { count: 2, windowSeconds: 60 },
    });
    expect(absence.status).toBe(400);
    expect((absence.body.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual([
      'everySeconds',
      'threshold',
    ]);
    const values = await call('a', 'POST', '', {
      ...DISK_RULE,
      match: {
        payload: [
          { field: 'pct', op: 'gt', value: 'ninety' },
          { field: 'x', op: 'in', value: 'a' },
        ],
      },
      alert: { severity: 'critical', summary: 'disk on {{hostt}}' },
      resolve: { match: { type: 'check.passed' }, quietSeconds: 60 },
      everySeconds: 5,
    });
    const long = await call('a', 'POST', '', {
      ...DISK_RULE,
      groupBy: `payload.${'a'.repeat(64)}.${'b'.repeat(64)}.${'c'.repeat(64)}.${'d'.repeat(64)}`,
    });
    expect(long.status).toBe(400);
    expect((long.body.errors as Array<{ field: string }>).map((e) => e.field)).toEqual(['groupBy']);
    expect((values.body.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(
      ['alert.summary', 'everySeconds', 'match.payload.0.value', 'match.payload.1.value', 'resolve'].sort(),
    );
  });
  it('refuses text PostgreSQL cannot store and type globs past the limits, naming the field, storing nothing', async () => {
    const before = (await call('a', 'GET', '')).body.items.length;
    const cases: Array<[object, unknown]> = [
      [
        { ...DISK_RULE, match: { ...DISK_RULE.match, type: '*a*a*a*a*a*a*a*a*a' } },
        [{ field: 'match.type', message: "type must have at most 8 '*' wildcards" }],
      ],
      [
        { ...DISK_RULE, resolve: { match: { type: '*.*.*.*.*.*.*.*.*' } } },
        [{ field: 'resolve.match.type', message: "type must have at most 8 '*' wildcards" }],
      ],
      [
        { ...DISK_RULE, name: 'disk\u0000' },
        [{ field: 'name', message: 'must not contain a NUL character (\\u0000)' }],
      ],
      [
        { ...DISK_RULE, alert: { severity: 'critical', summary: 'disk \udfff' } },
        [{ field: 'alert.summary', message: expect.stringMatching(/lone surrogate/) }],
      ],
      [
        { ...DISK_RULE, match: { type: 'check.failed', payload: [{ field: 'host', op: 'eq', value: 'a\u0000' }] } },
        [{ field: 'match.payload[0].value', message: expect.stringMatching(/NUL/) }],
      ],
      [{ ...DISK_RULE, 'extra\u0000': 1 }, [{ field: '(a key)', message: expect.stringMatching(/^keys .*NUL/) }]],
    ];
    for (const [body, errors] of cases) {
      const response = await call('a', 'POST', '', body);
      expect({ body, status: response.status, errors: response.body.errors }).toEqual({ body, status: 400, errors });
    }
    const existing = (await call('a', 'POST', '', { ...DISK_RULE, name: 'kept as it is' })).body as RuleView;
    const replaced = await call('a', 'PUT', `/${existing.id}`, { ...DISK_RULE, name: 'renamed\u0000' });
    expect(replaced.status).toBe(400);
    expect(replaced.body.errors).toEqual([{ field: 'name', message: expect.stringMatching(/NUL/) }]);
    expect((await call('a', 'GET', `/${existing.id}`)).body).toMatchObject({ name: 'kept as it is', version: 1 });
    const query = await call('a', 'GET', '?cursor=%00');
    expect(query.status).toBe(400);
    expect(query.body.errors).toEqual([{ field: 'cursor', message: expect.stringMatching(/NUL/) }]);
    expect((await call('a', 'GET', '')).body.items.length).toBe(before + 1);

    const eight = await call('a', 'POST', '', { ...DISK_RULE, match: { type: '*a*a*a*a*a*a*a*a' } });
    expect(eight.status).toBe(201);
  });

  it('fires an alert whose summary is well-formed when a payload value has an emoji across the 200-unit cut', async () => {
    const rule = await call('b', 'POST', '', {
      name: 'emoji cut',
      kind: 'match',
      match: { type: 'emoji.*' },
      alert: { severity: 'warning', summary: 'says: {{payload.v}}' },
    });
    expect(rule.status).toBe(201);
    const value = 'x'.repeat(199) + '🚀' + ' and more';
    expect(value.slice(0, 200).isWellFormed()).toBe(false); // a cut by index leaves half the emoji
    const publisher = new JetStreamPublisher(nats.js);
    await publisher.publish(
      nats.subjects.event(tenantIds.b),
      EventIngestedCodec,
      anIngestedEvent(tenantIds.b, { type: 'emoji.cut', payload: { v: value } }),
    );
    const alerts = await eventually(
      async () => {
        const response = await fetch(`${base}/api/v1/alerts`, { headers: { authorization: `Bearer ${tokens.b}` } });
        return ((await response.json()) as { items: Array<{ summary: string; state: string }> }).items;
      },
      (items) => items.length === 1,
      { what: 'the alert fired and stored' },
    );
    expect(alerts[0].summary).toBe(`says: ${'x'.repeat(199)}…`);
    expect(alerts[0].summary.isWellFormed()).toBe(true);
    expect(alerts[0].state).toBe('firing');
  });
});
