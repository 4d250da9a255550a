import { v7 as uuidv7 } from 'uuid';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { AlertFiredCodec, EventIngestedCodec, HEADER_KIND } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { JetStreamPublisher } from '@daalu/platform/jetstream';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  eventually,
  freePort,
  startProcess,
  startReadyProcess,
  type AppProcess,
  type TestDatabase,
  type TestNats,
} from '@daalu/testing';

const TIMELINE = 'apps/timeline-projector/src/main.js';
const GATEWAY = 'apps/ingest-gateway/src/main.js';
const ORIGIN = 'apps/origin/src/main.js';
const OPERATOR_TOKEN = 'event-types-operator-token-0123456789';

interface Tenant {
  id: string;
  ingestKey: string;
  apiToken: string;
}
interface Envelope {
  type: string;
  source: string;
  summary: string;
  payload: Record<string, unknown>;
}
interface EventType {
  type: string;
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
  sources: string[];
  sample: Record<string, unknown> | null;
  sampleTruncated: boolean;
}
interface Catalog {
  items: EventType[];
  truncated: boolean;
}
interface Entry {
  id: string;
  kind: string;
  type: string;
  receivedAt: string;
}

/**
 * GET /api/v1/event-types on the real stack: events sent over HTTP through the origin to the ingest
 * gateway, onto JetStream, projected by the timeline projector into PostgreSQL, and the catalog read
 * back through the origin.
 */
describe('the event-type catalog', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let env: Record<string, string>;
  let timelinePort: number;
  let origin: string;
  const apps: Record<'gateway' | 'timeline' | 'origin', AppProcess | undefined> = {
    gateway: undefined,
    timeline: undefined,
    origin: undefined,
  };
  /** What each tenant sent, in the order sent. */
  const sent = new Map<string, Envelope[]>();
  const tenants: Record<string, Tenant> = {};

  async function startTimeline(extra: Record<string, string> = {}): Promise<void> {
    apps.timeline = await startReadyProcess(
      TIMELINE,
      { ...env, PORT: String(timelinePort), ...extra },
      `http://127.0.0.1:${timelinePort}`,
      60_000,
    );
  }

  async function createTenant(name: string): Promise<Tenant> {
    const response = await fetch(`${origin}/api/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    expect(response.status).toBe(201);
    const tenant = (await response.json()) as Tenant;
    tenants[name] = tenant;
    sent.set(name, []);
    return tenant;
  }

  /** POSTs envelopes through the origin: one alone as POST /api/v1/events, several as a batch. */
  async function send(name: string, envelopes: Envelope[]): Promise<void> {
    const single = envelopes.length === 1;
    const response = await fetch(`${origin}/api/v1/events${single ? '' : '/batch'}`, {
      method: 'POST',
      headers: { 'x-daalu-key': tenants[name].ingestKey, 'content-type': 'application/json' },
      body: JSON.stringify(single ? envelopes[0] : envelopes),
    });
    expect(response.status).toBe(202);
    await response.arrayBuffer();
    sent.get(name)!.push(...envelopes);
  }

  async function get(name: string, path: string): Promise<Response> {
    return fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${tenants[name].apiToken}` } });
  }

  async function catalog(name: string): Promise<Catalog> {
    const response = await get(name, '/api/v1/event-types');
    expect(response.status).toBe(200);
    return (await response.json()) as Catalog;
  }

  /** The catalog once it counts `events` events in all (the projection is asynchronous). */
  async function catalogCounting(name: string, events: number): Promise<Catalog> {
    return eventually(
      () => catalog(name),
      (c) => c.items.reduce((sum, item) => sum + item.count, 0) === events,
      { what: `${name}'s catalog counting ${events} events`, timeoutMs: 30_000 },
    );
  }

  async function timeline(name: string, query = ''): Promise<Entry[]> {
    const response = await get(name, `/api/v1/events?limit=500${query}`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: Entry[] }).items;
  }

  /**
   * The catalog as it must be, from what the tenant sent and its timeline: per type the count, the
   * first and last receivedAt, the distinct sources, and the payload sent last (under 4 KiB).
   */
  async function expected(name: string): Promise<Catalog> {
    const entries = (await timeline(name)).filter((entry) => entry.kind === 'event');
    const types = [...new Set(sent.get(name)!.map((e) => e.type))];
    const items = types.map((type) => {
      const ofType = sent.get(name)!.filter((e) => e.type === type);
      const times = entries.filter((e) => e.type === type).map((e) => e.receivedAt);
      expect(times).toHaveLength(ofType.length);
      const last = ofType[ofType.length - 1].payload;
      const big = Buffer.byteLength(JSON.stringify(last)) >= 4096;
      return {
        type,
        count: ofType.length,
        firstSeenAt: times.reduce((a, b) => (a < b ? a : b)),
        lastSeenAt: times.reduce((a, b) => (a > b ? a : b)),
        sources: [...new Set(ofType.map((e) => e.source))].sort(),
        sample: big ? null : last,
        sampleTruncated: big,
      };
    });
    items.sort((a, b) => (a.lastSeenAt === b.lastSeenAt ? (a.type < b.type ? -1 : 1) : a.lastSeenAt > b.lastSeenAt ? -1 : 1));
    return { items, truncated: false };
  }

  const envelope = (type: string, source: string, payload: Record<string, unknown> = {}): Envelope => ({
    type,
    source,
    summary: `${type} from ${source}`,
    payload,
  });

  const tables = async () => ({
    days: await db.query(`SELECT * FROM timeline.event_type_day ORDER BY tenant_id, type, day`),
    refused: await db.query(`SELECT * FROM timeline.event_type_refused ORDER BY tenant_id, day`),
  });

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('timeline_types'));
    env = {
      ...appEnv(db, nats),
      LOG_LEVEL: 'info',
      DAALU_OPERATOR_TOKEN: OPERATOR_TOKEN,
      DAALU_INGEST_RATE_PER_SECOND: '1000',
      DAALU_INGEST_BURST: '1000',
    };
    const gatewayPort = await freePort();
    timelinePort = await freePort();
    const originPort = await freePort();
    origin = `http://127.0.0.1:${originPort}`;
    apps.gateway = await startReadyProcess(
      GATEWAY,
      { ...env, PORT: String(gatewayPort) },
      `http://127.0.0.1:${gatewayPort}`,
      60_000,
    );
    await startTimeline();
    apps.origin = startProcess(ORIGIN, [], {
      DAALU_PORT: String(originPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DAALU_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}`,
      DAALU_TIMELINE_URL: `http://127.0.0.1:${timelinePort}`,
      DAALU_RULES_URL: `http://127.0.0.1:${await freePort()}`,
      DAALU_OUTBOUND_URL: `http://127.0.0.1:${await freePort()}`,
    });
    await apps.origin.waitForLine(/origin listening/);

    await createTenant('a');
    await createTenant('b');
    // The tenants' API tokens reach the timeline projector through the log.
    await eventually(
      async () => [(await get('a', '/api/v1/event-types')).status, (await get('b', '/api/v1/event-types')).status],
      (statuses) => statuses.every((status) => status === 200),
      { what: 'the API tokens known to the timeline projector' },
    );
  }, 120_000);

  afterAll(async () => {
    for (const app of Object.values(apps)) await app?.stop('SIGTERM');
    await nats?.cleanup();
    await db?.drop();
  });

  it('lists exactly the types each tenant sent, with counts, sources, the newest sample and when they were seen', async () => {
    await send('a', [
      envelope('deploy.started', 'github', { service: 'api', n: 1 }),
      envelope('check.failed', 'nightly-cron', { host: 'backup-1', pct: 91 }),
      envelope('deploy.started', 'gitlab', { service: 'web', n: 2 }),
    ]);
    await send('b', [envelope('deploy.started', 'jenkins', { tenant: 'b' }), envelope('b.only', 'cron-b', {})]);
    await send('a', [envelope('deploy.started', 'github', { service: 'api', n: 3 })]);
    await send('a', [envelope('check.failed', 'nightly-cron', { host: 'backup-2', pct: 97 })]);
    await send('a', [envelope('report.ready', 'reports', { blob: 'x'.repeat(10_000) })]);
    await send('b', [envelope('b.only', 'cron-c', { last: true })]);
    // An alert lands on the timeline too, but it is not a type the tenant sent.
    const alertId = uuidv7();
    await new JetStreamPublisher(nats.js).publish(nats.subjects.alert(tenants.a.id), AlertFiredCodec, {
      schemaVersion: 1,
      kind: 'alert.fired',
      id: uuidv7(),
      tenantId: tenants.a.id,
      correlationId: alertId,
      causationId: null,
      alertId,
      ruleId: uuidv7(),
      ruleVersion: 1,
      ruleName: 'deploys',
      ruleKind: 'match',
      groupKey: 'api',
      severity: 'warning',
      summary: 'a deploy started',
      firedAt: new Date().toISOString(),
      eventIds: [],
      context: [],
    });

    const a = await catalogCounting('a', 6);
    const b = await catalogCounting('b', 3);
    expect(a).toEqual(await expected('a'));
    expect(b).toEqual(await expected('b'));
    // Spelled out once, for the reader.
    expect(a.items.map((item) => [item.type, item.count, item.sources])).toEqual([
      ['report.ready', 1, ['reports']],
      ['check.failed', 2, ['nightly-cron']],
      ['deploy.started', 3, ['github', 'gitlab']],
    ]);
    expect(a.items.find((item) => item.type === 'deploy.started')!.sample).toEqual({ service: 'api', n: 3 });
    expect(a.items[0]).toMatchObject({ sample: null, sampleTruncated: true });
    expect(b.items.map((item) => [item.type, item.count, item.sources, item.sample])).toEqual([
      ['b.only', 2, ['cron-b', 'cron-c'], { last: true }],
      ['deploy.started', 1, ['jenkins'], { tenant: 'b' }],
    ]);
    await eventually(
      () => timeline('a', '&type=alert.*'),
      (entries) => entries.length === 1,
      { what: 'the alert on the timeline' },
    );
    expect((await catalog('a')).items.map((item) => item.type)).not.toContain('alert.fired');
  });

  it('never shows one tenant the types of another, and answers errors as problems', async () => {
    const b = await catalog('b');
    expect(b.items.map((item) => item.type).sort()).toEqual(['b.only', 'deploy.started']);
    expect(JSON.stringify(b)).not.toMatch(/github|gitlab|nightly-cron|report\.ready/);

    const anonymous = await fetch(`${origin}/api/v1/event-types`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const withParameter = await get('a', '/api/v1/event-types?type=deploy.*');
    expect(withParameter.status).toBe(400);
    expect(withParameter.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await withParameter.json()).toMatchObject({
      type: '/problems/invalid-query',
      errors: [{ field: 'type', message: 'unknown parameter' }],
    });
    expect((await fetch(`${origin}/api/v1/event-types`, { method: 'POST' })).status).toBe(404);
  });

  it('counts an event delivered twice once, as the timeline shows it once', async () => {
    const before = await catalog('a');
    const event = anIngestedEvent(tenants.a.id, { type: 'check.failed', source: 'nightly-cron' });
    await new JetStreamPublisher(nats.js).publish(nats.subjects.event(tenants.a.id), EventIngestedCodec, event);
    // The same event again under another message id, as a replay or a second publisher would put it.
    const headers = natsHeaders();
    headers.set(HEADER_KIND, 'event.ingested');
    await nats.js.publish(nats.subjects.event(tenants.a.id), EventIngestedCodec.encode(event), {
      msgID: `again-${event.id}`,
      headers,
    });
    sent.get('a')!.push({ type: event.type, source: event.source, summary: event.summary, payload: event.payload });
    await send('a', [envelope('marker', 'tests', {})]);
    const after = await catalogCounting('a', 8);
    expect(after.items.find((item) => item.type === 'check.failed')!.count).toBe(
      before.items.find((item) => item.type === 'check.failed')!.count + 1,
    );
    expect(after).toEqual(await expected('a'));
  });

  it('holds at most 1,000 types per tenant, and says it left types out', async () => {
    await createTenant('c');
    const first = Array.from({ length: 1000 }, (_, i) => envelope(`type.${String(i).padStart(4, '0')}`, `s${i % 30}`));
    await eventually(
      () => get('c', '/api/v1/event-types').then((r) => r.status),
      (status) => status === 200,
      { what: "c's token known" },
    );
    await send('c', first);
    const full = await catalogCounting('c', 1000);
    expect(full.items).toHaveLength(1000);
    expect(full.truncated).toBe(false);

    // Three more types, and one already there: the known one counts, the new ones are left out.
    await send('c', [envelope('type.1000', 'late'), envelope('type.0000', 'late'), envelope('type.1001', 'late')]);
    await send('c', [envelope('type.1002', 'late')]);
    await eventually(
      () => timeline('c', '&type=type.1002'),
      (entries) => entries.length === 1,
      { what: 'the last event on the timeline' },
    );
    const capped = await catalog('c');
    expect(capped.truncated).toBe(true);
    expect(capped.items).toHaveLength(1000);
    expect(capped.items.map((item) => item.type).sort()).toEqual(first.map((e) => e.type).sort());
    expect(capped.items.find((item) => item.type === 'type.0000')).toMatchObject({ count: 2, sources: ['late', 's0'] });
    expect(capped.items.reduce((sum, item) => sum + item.count, 0)).toBe(1001);
    // Left out of the catalog, not off the timeline.
    expect(await timeline('c', '&type=type.1001')).toHaveLength(1);
    const [{ events }] = await db.query<{ events: string }>(
      `SELECT sum(events) AS events FROM timeline.event_type_refused WHERE tenant_id = $1`,
      [tenants.c.id],
    );
    expect(Number(events)).toBe(3);
    // The others are not affected.
    expect((await catalog('a')).truncated).toBe(false);
  });

  it('is the same after a rebuild, and after an upgrade that fills it from the timeline already there', async () => {
    const catalogs = async () => ({ a: await catalog('a'), b: await catalog('b'), c: await catalog('c') });
    const before = await catalogs();
    const rowsBefore = await tables();
    expect(rowsBefore.days.length).toBeGreaterThan(1000);

    await apps.timeline!.stop('SIGTERM');
    const rebuild = startProcess(TIMELINE, ['rebuild'], { ...env, PORT: String(timelinePort) });
    expect(await rebuild.exited).toBe(0);
    expect(await tables()).toEqual(rowsBefore);

    // An installation upgrading to the catalog: its migration fills it from `timeline_entry`.
    await db.query(`DROP TABLE timeline.event_type_day, timeline.event_type_refused`);
    await db.query(`DELETE FROM timeline.migrations WHERE name = 'EventTypeCatalog1764230400004'`);
    const migrate = startProcess(TIMELINE, ['migrate'], { ...env, PORT: String(timelinePort) });
    expect(await migrate.exited).toBe(0);
    expect(await tables()).toEqual(rowsBefore);

    await startTimeline();
    expect(await catalogs()).toEqual(before);
  });

  it('forgets the days that retention drops from the timeline', async () => {
    const publisher = new JetStreamPublisher(nats.js);
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const old = (type: string) =>
      anIngestedEvent(tenants.b.id, { type, source: 'archive', receivedAt: tenDaysAgo, payload: { old: true } });
    for (const event of [old('aged.type'), old('gone.type'), anIngestedEvent(tenants.b.id, { type: 'aged.type' })]) {
      await publisher.publish(nats.subjects.event(tenants.b.id), EventIngestedCodec, event);
    }
    const before = await catalogCounting('b', 6);
    expect(before.items.find((item) => item.type === 'aged.type')).toMatchObject({
      count: 2,
      firstSeenAt: tenDaysAgo,
      sources: ['archive', 'nightly-cron'],
    });
    expect(before.items.find((item) => item.type === 'gone.type')).toMatchObject({ count: 1, lastSeenAt: tenDaysAgo });

    await apps.timeline!.stop('SIGTERM');
    await startTimeline({ DAALU_TIMELINE_RETENTION_DAYS: '5' });
    await eventually(
      () => apps.timeline!.lines.join('\n'),
      (out) => out.includes('forgot old days of the event-type catalog'),
      { what: 'retention log line' },
    );
    const after = await catalog('b');
    expect(after.items.map((item) => item.type)).not.toContain('gone.type');
    expect(after.items.find((item) => item.type === 'aged.type')).toMatchObject({
      count: 1,
      sources: ['nightly-cron'],
      sample: { host: 'backup-1', pct: 93 },
    });
    expect(after.items.find((item) => item.type === 'aged.type')!.firstSeenAt > tenDaysAgo).toBe(true);
  });
});
