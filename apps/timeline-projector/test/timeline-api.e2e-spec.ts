import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { AlertFiredCodec, EventIngestedCodec, ProposalCreatedCodec, type EventIngested } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { JetStreamPublisher } from '@daalu/platform/jetstream';
import { generateToken } from '@daalu/platform/tenancy';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  eventually,
  freePort,
  SseClient,
  type AppProcess,
  type TestDatabase,
  type TestNats,
  aTenantWithApiToken,
  startReadyProcess,
} from '@daalu/testing';

const SCRIPT = 'apps/timeline-projector/src/main.js';

interface Entry {
  id: string;
  type: string;
  summary: string;
  severity: string;
  source: string;
  payload: Record<string, unknown>;
  sequence: number;
}
interface Page {
  items: Entry[];
  nextCursor: string | null;
}
interface Histogram {
  bucketSeconds: number;
  since: string;
  until: string;
  buckets: Array<{ at: string; count: number; warning: number; critical: number }>;
}

/** GET /api/v1/events and /stream of the timeline projector, as a process over real NATS and PostgreSQL. */
describe('timeline API', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let publisher: JetStreamPublisher;
  let env: Record<string, string>;
  let app: AppProcess;
  let base: string;

  const tenants = new Map<string, { id: string; token: string }>();
  /** A tenant with an API token, as the gateway would have issued it. */
  async function tenant(name: string): Promise<{ id: string; token: string }> {
    const { id, token } = await aTenantWithApiToken(nats);
    tenants.set(name, { id, token });
    return { id, token };
  }

  async function publish(tenantId: string, overrides: Partial<EventIngested>): Promise<EventIngested> {
    const event = anIngestedEvent(tenantId, overrides);
    await publisher.publish(nats.subjects.event(tenantId), EventIngestedCodec, event);
    return event;
  }

  const auth = (name: string) => ({ authorization: `Bearer ${tenants.get(name)!.token}` });

  async function list(name: string, query = ''): Promise<Page> {
    const response = await fetch(`${base}/api/v1/events${query ? `?${query}` : ''}`, { headers: auth(name) });
    expect(response.status).toBe(200);
    return (await response.json()) as Page;
  }

  const summaries = async (name: string, query = '') => (await list(name, query)).items.map((e) => e.summary);

  async function histogram(name: string, query = ''): Promise<Histogram> {
    const response = await fetch(`${base}/api/v1/events/histogram${query ? `?${query}` : ''}`, { headers: auth(name) });
    expect({ query, status: response.status }).toEqual({ query, status: 200 });
    return (await response.json()) as Histogram;
  }

  /** The buckets that counted something, as `minutes after the start: count/warning/critical`. */
  const nonEmpty = (h: Histogram, start: number) =>
    h.buckets
      .filter((b) => b.count > 0)
      .map((b) => `${(Date.parse(b.at) - start) / 60_000}: ${b.count}/${b.warning}/${b.critical}`);

  async function startApp(extra: Record<string, string> = {}): Promise<void> {
    app = await startReadyProcess(SCRIPT, { ...env, ...extra }, base);
  }

  /** Times relative to when the suite started, so the seeded times can be named again in queries. */
  const origin = Date.now();
  const at = (minutesAgo: number, plusSeconds = 0) =>
    new Date(origin - minutesAgo * 60_000 + plusSeconds * 1000).toISOString();

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('timeline_api'));
    publisher = new JetStreamPublisher(nats.js);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      ...appEnv(db, nats),
      PORT: String(port),
      LOG_LEVEL: 'info',
    };

    const a = await tenant('a');
    const b = await tenant('b');
    // Tenant a's timeline, oldest first, one second apart an hour ago.
    const seed: Array<Partial<EventIngested>> = [
      {
        type: 'deploy.started',
        module: 'ci',
        source: 'github',
        severity: 'info',
        summary: 'deploy of api started',
        payload: { service: 'api', env: 'prod' },
      },
      {
        type: 'deploy.succeeded',
        module: 'ci',
        source: 'github',
        severity: 'info',
        summary: 'deploy of api succeeded',
        payload: { service: 'api', env: 'prod' },
      },
      {
        type: 'deploy.failed',
        module: 'ci',
        source: 'gitlab',
        severity: 'critical',
        summary: 'deploy of web failed',
        payload: { service: 'web', env: 'staging' },
      },
      {
        type: 'check.failed',
        module: 'custom',
        source: 'nightly-cron',
        severity: 'warning',
        summary: 'disk usage on backup host exceeded 90%',
        payload: { host: 'backup-1', pct: 93 },
      },
      {
        type: 'backup.completed',
        module: 'custom',
        source: 'nightly-cron',
        severity: 'info',
        summary: 'nightly Backup completed',
        payload: { host: 'backup-1', nested: { region: 'eu' } },
      },
      { type: 'heartbeat', module: 'custom', source: 'cron-1', severity: 'info', summary: 'cron-1 alive', payload: {} },
    ];
    for (const [i, event] of seed.entries()) await publish(a.id, { ...event, receivedAt: at(60, i) });
    await publish(b.id, {
      type: 'deploy.started',
      module: 'ci',
      source: 'github',
      summary: 'tenant b deploy',
      payload: { service: 'api' },
      receivedAt: at(60, 3),
    });
    await startApp();
  }, 60_000);

  afterAll(async () => {
    await app?.stop('SIGTERM');
    await nats.cleanup();
    await db.drop();
  });

  it('answers 401 without a valid tenant API token', async () => {
    expect((await fetch(`${base}/api/v1/events`)).status).toBe(401);
    const wrong = await fetch(`${base}/api/v1/events`, {
      headers: { authorization: `Bearer ${generateToken('api-token')}` },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('lists the caller’s events newest first, and filters by each field', async () => {
    expect(await summaries('a')).toEqual([
      'cron-1 alive',
      'nightly Backup completed',
      'disk usage on backup host exceeded 90%',
      'deploy of web failed',
      'deploy of api succeeded',
      'deploy of api started',
    ]);
    expect(await summaries('a', 'type=deploy.failed')).toEqual(['deploy of web failed']);
    expect(await summaries('a', 'type=deploy.*')).toEqual([
      'deploy of web failed',
      'deploy of api succeeded',
      'deploy of api started',
    ]);
    expect(await summaries('a', 'module=custom')).toEqual([
      'cron-1 alive',
      'nightly Backup completed',
      'disk usage on backup host exceeded 90%',
    ]);
    expect(await summaries('a', 'source=nightly-cron')).toEqual([
      'nightly Backup completed',
      'disk usage on backup host exceeded 90%',
    ]);
    expect(await summaries('a', 'severity=warning,critical')).toEqual([
      'disk usage on backup host exceeded 90%',
      'deploy of web failed',
    ]);
    expect(await summaries('a', 'severity=critical&severity=warning')).toEqual([
      'disk usage on backup host exceeded 90%',
      'deploy of web failed',
    ]);
    expect(await summaries('a', `since=${at(60, 2)}&until=${at(60, 4)}`)).toEqual([
      'disk usage on backup host exceeded 90%',
      'deploy of web failed',
    ]);
    expect(await summaries('a', 'q=BACKUP')).toEqual([
      'nightly Backup completed',
      'disk usage on backup host exceeded 90%',
    ]);
    expect(await summaries('a', 'payload.service=api')).toEqual(['deploy of api succeeded', 'deploy of api started']);
    expect(await summaries('a', 'payload.service=api&payload.env=prod&type=deploy.succeeded')).toEqual([
      'deploy of api succeeded',
    ]);
    expect(await summaries('a', 'payload.pct=93')).toEqual(['disk usage on backup host exceeded 90%']);
    expect(await summaries('a', 'payload.nested.region=eu')).toEqual(['nightly Backup completed']);
    expect(await summaries('a', 'type=deploy.*&payload.env=staging')).toEqual(['deploy of web failed']);
    expect(await summaries('a', 'type=nothing.here')).toEqual([]);

    const [first] = (await list('a', 'type=check.failed')).items;
    expect(first).toMatchObject({
      kind: 'event',
      type: 'check.failed',
      module: 'custom',
      source: 'nightly-cron',
      severity: 'warning',
      payload: { host: 'backup-1', pct: 93 },
      receivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      sequence: expect.any(Number),
    });
  });

  it('answers 400 naming every bad parameter', async () => {
    const response = await fetch(
      `${base}/api/v1/events?severity=fatal&limit=501&type=de*ploy&since=yesterday&sevrity=info&cursor=not-a-cursor&payload.a..b=1`,
      { headers: auth('a') },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const body = (await response.json()) as { errors: Array<{ field: string }> };
    expect(body.errors.map((e) => e.field).sort()).toEqual(
      ['cursor', 'limit', 'payload.a..b', 'severity', 'since', 'sevrity', 'type'].sort(),
    );
  });

  it('answers 400 naming a parameter that holds a NUL, and a type pattern past the glob limits, on the list and the stream', async () => {
    const get = async (url: string) => {
      const response = await fetch(`${base}${url}`, { headers: auth('a') });
      const contentType = response.headers.get('content-type');
      return { status: response.status, contentType, body: (await response.json()) as { errors?: unknown } };
    };
    for (const path of ['/api/v1/events', '/api/v1/events/stream']) {
      const cases: Array<[string, unknown]> = [
        ['q=%00', [{ field: 'q', message: 'must not contain a NUL character (\\u0000)' }]],
        ['q=backup%00', [{ field: 'q', message: expect.stringMatching(/NUL/) }]],
        ['payload.x=%00', [{ field: 'payload.x', message: expect.stringMatching(/NUL/) }]],
        [
          'payload.service=api&payload.service=%00',
          [{ field: 'payload.service', message: expect.stringMatching(/NUL/) }],
        ],
        ['type=*a*a*a*a*a*a*a*a*a', [{ field: 'type', message: "must have at most 8 '*' wildcards" }]],
      ];
      for (const [query, errors] of cases) {
        const response = await get(`${path}?${query}`);
        expect({ path, query, status: response.status, errors: response.body.errors }).toEqual({
          path,
          query,
          status: 400,
          errors,
        });
        expect(response.contentType).toMatch(/application\/problem\+json/);
      }
    }
    // A glob type filter and whole characters still work.
    expect(await summaries('a', 'type=deploy.*&q=api')).toEqual(['deploy of api succeeded', 'deploy of api started']);
    expect(await summaries('a', `q=${encodeURIComponent('🚀')}`)).toEqual([]);
  });

  it('pages with a cursor that stays correct while new events arrive', async () => {
    const c = await tenant('c');
    const seeded: string[] = [];
    for (let i = 0; i < 7; i++)
      seeded.push((await publish(c.id, { summary: `old ${i}`, receivedAt: at(30, i) })).summary);
    await eventually(
      () => summaries('c'),
      (s) => s.length === 7,
      { what: 'seeded' },
    );

    const first = await list('c', 'limit=3');
    expect(first.items.map((e) => e.summary)).toEqual(['old 6', 'old 5', 'old 4']);
    // Newer events land while the client is paging: they must not shift or repeat its next pages.
    for (let i = 0; i < 4; i++) await publish(c.id, { summary: `new ${i}` });
    await eventually(
      () => summaries('c'),
      (s) => s.length === 11,
      { what: 'new events projected' },
    );

    const second = await list('c', `limit=3&cursor=${first.nextCursor}`);
    expect(second.items.map((e) => e.summary)).toEqual(['old 3', 'old 2', 'old 1']);
    const third = await list('c', `limit=3&cursor=${second.nextCursor}`);
    expect(third.items.map((e) => e.summary)).toEqual(['old 0']);
    expect(third.nextCursor).toBeNull();
    expect((await list('c', 'limit=4')).items.map((e) => e.summary)).toEqual(['new 3', 'new 2', 'new 1', 'new 0']);
  });

  it('never shows one tenant’s events to another, not even through a guessed cursor', async () => {
    expect(await summaries('b')).toEqual(['tenant b deploy']);
    expect(await summaries('b', 'payload.service=api')).toEqual(['tenant b deploy']);
    // a's cursor, used by b: a position in time, applied to b's own timeline only.
    const aPage = await list('a', 'limit=1');
    const bWithACursor = await list('b', `cursor=${aPage.nextCursor}`);
    expect(bWithACursor.items.map((e) => e.summary)).toEqual(['tenant b deploy']);
    const aIds = new Set((await list('a', 'limit=500')).items.map((e) => e.id));
    expect(bWithACursor.items.some((e) => aIds.has(e.id))).toBe(false);
  });

  it('streams new matching events live, and resumes after a disconnect with Last-Event-ID, no gap, no repeat', async () => {
    const d = await tenant('d');
    const other = await tenant('e');
    await publish(d.id, { type: 'deploy.started', summary: 'before the stream' });
    await eventually(
      () => summaries('d'),
      (s) => s.length === 1,
      { what: 'earlier event projected' },
    );

    const url = `${base}/api/v1/events/stream?type=deploy.*`;
    const first = new SseClient(url, auth('d'));
    const spy = new SseClient(`${base}/api/v1/events/stream`, auth('e'));
    expect(await first.status).toBe(200);
    expect(await spy.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200)); // the streams are open

    await publish(d.id, { type: 'deploy.started', summary: 'live 1' });
    await publish(d.id, { type: 'check.failed', summary: 'not a deploy' });
    await publish(other.id, { type: 'deploy.started', summary: 'other tenant' });
    await publish(d.id, { type: 'deploy.succeeded', summary: 'live 2' });
    await eventually(
      () => first.events.length,
      (n) => n === 2,
      { what: 'two live events' },
    );
    expect(first.data<Entry>().map((e) => e.summary)).toEqual(['live 1', 'live 2']);
    expect(first.events.map((e) => e.id)).toEqual(first.data<Entry>().map((e) => String(e.sequence)));
    await eventually(
      () => spy.events.length,
      (n) => n === 1,
      { what: 'the other tenant’s own event' },
    );
    expect(spy.data<Entry>().map((e) => e.summary)).toEqual(['other tenant']);
    await first.close();
    await spy.close();

    // Missed while disconnected.
    for (const summary of ['missed 1', 'missed 2', 'missed 3'])
      await publish(d.id, { type: 'deploy.started', summary });
    await eventually(
      () => summaries('d', 'type=deploy.*'),
      (s) => s.length === 6,
      { what: 'missed events projected' },
    );

    const resumed = new SseClient(url, { ...auth('d'), 'last-event-id': first.events[1].id! });
    await publish(d.id, { type: 'deploy.started', summary: 'after resume' });
    await eventually(
      () => resumed.events.length,
      (n) => n === 4,
      { what: 'missed and new events' },
    );
    expect(resumed.data<Entry>().map((e) => e.summary)).toEqual(['missed 1', 'missed 2', 'missed 3', 'after resume']);
    await new Promise((r) => setTimeout(r, 300));
    expect(resumed.events).toHaveLength(4); // nothing repeated
    await resumed.close();

    const bad = await fetch(url, { headers: { ...auth('d'), 'last-event-id': 'yesterday' } });
    expect(bad.status).toBe(400);
    const badFilter = await fetch(`${base}/api/v1/events/stream?severity=loud`, { headers: auth('d') });
    expect(badFilter.status).toBe(400);
    expect((await fetch(`${base}/api/v1/events/stream`)).status).toBe(401);
  });

  it('tells a new stream its position, so a client that drops before any entry resumes without a gap', async () => {
    const h = await tenant('h');
    await publish(h.id, { summary: 'already there' });
    await eventually(
      () => summaries('h'),
      (s) => s.length === 1,
      { what: 'projected' },
    );
    const url = `${base}/api/v1/events/stream`;
    const quiet = new SseClient(url, auth('h'));
    await eventually(
      () => quiet.lastEventId,
      (id) => id !== undefined,
      { what: 'the starting position' },
    );
    expect(quiet.events).toEqual([]); // the id came alone, without an entry
    await quiet.close();

    await publish(h.id, { summary: 'while away' });
    await eventually(
      () => summaries('h'),
      (s) => s.length === 2,
      { what: 'projected' },
    );
    const back = new SseClient(url, { ...auth('h'), 'last-event-id': quiet.lastEventId! });
    await eventually(
      () => back.events.length,
      (n) => n === 1,
      { what: 'the missed entry' },
    );
    expect(back.data<Entry>().map((e) => e.summary)).toEqual(['while away']);
    await back.close();
  });

  it('caps the open streams of one tenant', async () => {
    await tenant('i');
    const url = `${base}/api/v1/events/stream`;
    const open = Array.from({ length: 20 }, () => new SseClient(url, auth('i')));
    expect(await Promise.all(open.map((client) => client.status))).toEqual(Array(20).fill(200));
    const refused = await fetch(url, { headers: auth('i') });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    await Promise.all(open.map((client) => client.close()));
    await eventually(
      () =>
        fetch(url, { headers: auth('i'), signal: AbortSignal.timeout(1000) }).then(
          (r) => r.status,
          () => 0,
        ),
      (status) => status === 200,
      { what: 'a stream allowed again once others closed' },
    );
  });

  it('shows alerts and proposals as entries of their own kind, filtered like events', async () => {
    const j = await tenant('j');
    const alertId = uuidv7();
    const proposalId = uuidv7();
    const envelope = (kind: string) => ({
      schemaVersion: 1 as const,
      kind,
      id: uuidv7(),
      tenantId: j.id,
      correlationId: alertId,
      causationId: null,
    });
    await publisher.publish(nats.subjects.alert(j.id), AlertFiredCodec, {
      ...envelope('alert.fired'),
      kind: 'alert.fired',
      alertId,
      ruleId: uuidv7(),
      ruleVersion: 1,
      ruleName: 'disk over 90%',
      ruleKind: 'match',
      groupKey: 'backup-1',
      severity: 'critical',
      summary: 'disk on backup-1 at 93%',
      firedAt: new Date().toISOString(),
      eventIds: [],
      context: [],
    });
    await publisher.publish(nats.subjects.proposal(j.id, proposalId), ProposalCreatedCodec, {
      ...envelope('proposal.created'),
      kind: 'proposal.created',
      occurredAt: new Date().toISOString(),
      proposalId,
      proposalKind: 'change',
      title: 'scale api to 6',
      actor: 'alice',
      payload: { replicas: 6 },
    });
    await eventually(
      () => summaries('j'),
      (s) => s.length === 2,
      { what: 'both on the timeline' },
    );
    const [alert] = (await list('j', 'type=alert.*&severity=critical')).items as Array<
      Entry & { kind: string; refId: string }
    >;
    expect(alert).toMatchObject({
      kind: 'alert.fired',
      summary: 'disk on backup-1 at 93%',
      refId: alertId,
      payload: { groupKey: 'backup-1' },
    });
    const [proposal] = (await list('j', 'type=proposal.created')).items as Array<
      Entry & { kind: string; refId: string }
    >;
    expect(proposal).toMatchObject({
      kind: 'proposal.created',
      summary: 'scale api to 6',
      refId: proposalId,
      payload: { actor: 'alice' },
    });
  });

  it('applies a redelivered event once (idempotent by event id)', async () => {
    const f = await tenant('f');
    const event = await publish(f.id, { summary: 'only once' });
    // The same event again under another message id, as a replay or a second publisher would put it.
    await nats.js.publish(nats.subjects.event(f.id), EventIngestedCodec.encode(event), { msgID: `replay-${event.id}` });
    const marker = await publish(f.id, { summary: 'after the duplicate' });
    await eventually(
      () => summaries('f'),
      (s) => s.includes(marker.summary),
      { what: 'the marker projected' },
    );
    expect(await summaries('f')).toEqual(['after the duplicate', 'only once']);
    const rows = await db.query<{ n: string }>(`SELECT count(*) AS n FROM timeline.timeline_entry WHERE id = $1`, [
      event.id,
    ]);
    expect(Number(rows[0].n)).toBe(1);
  });

  describe('histogram', () => {
    /**
     * A whole hour four to five hours before the suite started, so that bucket boundaries are known and
     * the latest of these events (2 h 30 min after it) is out of the default range (the last hour).
     */
    const H = Math.floor((origin - 4 * 3_600_000) / 3_600_000) * 3_600_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const range = (fromMinutes: number, toMs: number) => `since=${iso(H + fromMinutes * 60_000)}&until=${iso(toMs)}`;
    const HOUR = `since=${iso(H)}&until=${iso(H + 3_600_000)}`;

    beforeAll(async () => {
      const h = await tenant('h');
      const seed: Array<[number, Partial<EventIngested>]> = [
        [-1, { type: 'deploy.started', severity: 'info', summary: 'just before the hour' }],
        [10_000, { type: 'deploy.started', source: 'github', severity: 'info', summary: 'deploy of api started' }],
        [50_000, { type: 'deploy.failed', source: 'github', severity: 'warning', summary: 'deploy of api failed' }],
        [65_000, { type: 'check.failed', severity: 'critical', summary: 'db down', payload: { host: 'db-1' } }],
        [5 * 60_000, { type: 'backup.completed', severity: 'info', summary: 'backup done', payload: { host: 'db-1' } }],
        [3_600_000 - 1, { type: 'heartbeat', severity: 'warning', summary: 'last of the hour' }],
        [3_600_000, { type: 'heartbeat', severity: 'info', summary: 'first of the next hour' }],
        [2 * 3_600_000 + 30 * 60_000, { type: 'heartbeat', severity: 'critical', summary: 'later on' }],
      ];
      for (const [offset, event] of seed) await publish(h.id, { ...event, receivedAt: iso(H + offset) });
      await eventually(
        () => summaries('h'),
        (s) => s.length === seed.length,
        { what: 'the histogram tenant’s events projected' },
      );
    });

    it('counts entries per minute over an hour, by severity, every bucket there with zeros', async () => {
      const hour = await histogram('h', HOUR);
      expect(hour.bucketSeconds).toBe(60);
      expect(hour.since).toBe(iso(H));
      expect(hour.until).toBe(iso(H + 3_600_000));
      expect(hour.buckets).toHaveLength(60);
      expect(hour.buckets.map((b) => Date.parse(b.at))).toEqual(Array.from({ length: 60 }, (_, i) => H + i * 60_000));
      expect(nonEmpty(hour, H)).toEqual(['0: 2/1/0', '1: 1/0/1', '5: 1/0/0', '59: 1/1/0']);
      expect(hour.buckets[30]).toEqual({ at: iso(H + 30 * 60_000), count: 0, warning: 0, critical: 0 });
    });

    it('applies the list’s filters', async () => {
      expect(nonEmpty(await histogram('h', `${HOUR}&type=deploy.*`), H)).toEqual(['0: 2/1/0']);
      expect(nonEmpty(await histogram('h', `${HOUR}&source=github&severity=warning`), H)).toEqual(['0: 1/1/0']);
      expect(nonEmpty(await histogram('h', `${HOUR}&severity=warning,critical`), H)).toEqual([
        '0: 1/1/0',
        '1: 1/0/1',
        '59: 1/1/0',
      ]);
      expect(nonEmpty(await histogram('h', `${HOUR}&payload.host=db-1`), H)).toEqual(['1: 1/0/1', '5: 1/0/0']);
      expect(nonEmpty(await histogram('h', `${HOUR}&q=DEPLOY%20of`), H)).toEqual(['0: 2/1/0']);
      expect(nonEmpty(await histogram('h', `${HOUR}&type=nothing.here`), H)).toEqual([]);
      // A range not on a bucket boundary: its first bucket counts only what is within it.
      const partial = await histogram('h', `since=${iso(H + 30_000)}&until=${iso(H + 120_000)}`);
      expect(partial.bucketSeconds).toBe(60);
      expect(partial.buckets.map((b) => [b.at, b.count])).toEqual([
        [iso(H), 1],
        [iso(H + 60_000), 1],
      ]);
    });

    it('takes the smallest bucket giving at most 120 of them, aligned to the epoch', async () => {
      const two = await histogram('h', range(0, H + 2 * 3_600_000));
      expect([two.bucketSeconds, two.buckets.length]).toEqual([60, 120]);
      expect(nonEmpty(two, H)).toEqual(['0: 2/1/0', '1: 1/0/1', '5: 1/0/0', '59: 1/1/0', '60: 1/0/0']);

      // A minute more than 120 minutes: 5-minute buckets.
      const five = await histogram('h', range(-1, H + 2 * 3_600_000));
      expect([five.bucketSeconds, five.buckets.length]).toEqual([300, 25]);
      expect(five.buckets[0].at).toBe(iso(H - 5 * 60_000));
      expect(nonEmpty(five, H)).toEqual(['-5: 1/0/0', '0: 3/1/1', '5: 1/0/0', '55: 1/1/0', '60: 1/0/0']);

      const day = await histogram('h', range(-12 * 60, H + 12 * 3_600_000));
      expect([day.bucketSeconds, day.buckets.length]).toEqual([900, 96]);
      expect(nonEmpty(day, H)).toEqual(['-15: 1/0/0', '0: 4/1/1', '45: 1/1/0', '60: 1/0/0', '150: 1/0/1']);

      const week = await histogram('h', range(-3 * 24 * 60, H + 4 * 86_400_000));
      expect(week.bucketSeconds).toBe(10_800);
      // 56 buckets of 3 h in 7 days, one more when the range does not start on one's boundary.
      expect([56, 57]).toContain(week.buckets.length);
      expect(week.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(8);
      expect(week.buckets.every((b) => (Date.parse(b.at) / 1000) % 10_800 === 0)).toBe(true);

      const month = await histogram('h', range(-30 * 24 * 60, H + 86_400_000));
      expect(month.bucketSeconds).toBe(86_400);
      expect(month.buckets.length).toBeLessThanOrEqual(32);
      expect(
        month.buckets.reduce((sum, b) => [sum[0] + b.count, sum[1] + b.warning, sum[2] + b.critical], [0, 0, 0]),
      ).toEqual([8, 2, 2]);
    });

    it('defaults to the last hour, until now', async () => {
      const h = tenants.get('h')!;
      await publish(h.id, { type: 'recent', summary: 'two minutes ago', receivedAt: iso(Date.now() - 120_000) });
      const before = Date.now();
      const recent = await eventually(
        () => histogram('h'),
        (r) => r.buckets.some((b) => b.count > 0),
        { what: 'the recent event in the default range' },
      );
      expect(recent.bucketSeconds).toBe(60);
      expect(Date.parse(recent.until) - Date.parse(recent.since)).toBe(3_600_000);
      expect(Date.parse(recent.until)).toBeGreaterThanOrEqual(before);
      expect(recent.buckets.length).toBeGreaterThanOrEqual(60);
      expect(recent.buckets.length).toBeLessThanOrEqual(61);
      expect(recent.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(1);
      // `until` alone: the hour before it.
      const ending = await histogram('h', `until=${iso(H + 3_600_000)}`);
      expect(ending.since).toBe(iso(H));
      expect(nonEmpty(ending, H)).toEqual(['0: 2/1/0', '1: 1/0/1', '5: 1/0/0', '59: 1/1/0']);
    });

    it('counts the caller’s entries only', async () => {
      // Tenant a's six events, an hour before the suite started; none of h's.
      const a = await histogram('a', `since=${at(61)}&until=${at(59)}`);
      expect(a.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(6);
      const none = await histogram('a', range(-60, H + 3 * 3_600_000));
      expect(none.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(0);
    });

    it('answers 400 naming a range that is longer than 31 days, reversed or in the future, and every bad parameter', async () => {
      const bad = async (query: string) => {
        const response = await fetch(`${base}/api/v1/events/histogram?${query}`, { headers: auth('h') });
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
        expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
        const body = (await response.json()) as { type: string; errors: Array<{ field: string }> };
        expect(body.type).toBe('/problems/invalid-query');
        return body.errors.map((e) => e.field).sort();
      };
      expect(await bad(range(0, H + 31 * 86_400_000 + 1))).toEqual(['since']);
      expect(await histogram('h', range(0, H + 31 * 86_400_000))).toMatchObject({ bucketSeconds: 86_400 });
      expect(await bad(`since=${iso(Date.now() - 32 * 86_400_000)}`)).toEqual(['since']);
      expect(await bad(`since=${iso(Date.now() + 60_000)}`)).toEqual(['since']);
      expect(await bad(range(60, H))).toEqual(['until']);
      expect(await bad(range(0, H))).toEqual(['until']);
      expect(await bad('since=yesterday&until=2026-02-30')).toEqual(['since', 'until']);
      expect(await bad(`${HOUR}&limit=10&cursor=x&severity=fatal&payload.a..b=1`)).toEqual(
        ['cursor', 'limit', 'payload.a..b', 'severity'].sort(),
      );
      expect((await fetch(`${base}/api/v1/events/histogram`)).status).toBe(401);
    });

    it('stops a count that runs past 5 s and answers 503, saying to narrow the range or the filters', async () => {
      // A lock held on the timeline keeps the count waiting: the statement timeout stops it all the same.
      const locker = new Client({ connectionString: db.url });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE timeline.timeline_entry IN ACCESS EXCLUSIVE MODE');
        const started = Date.now();
        const response = await fetch(`${base}/api/v1/events/histogram?${HOUR}`, { headers: auth('h') });
        const took = Date.now() - started;
        expect(response.status).toBe(503);
        expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
        const body = (await response.json()) as { type: string; detail: string };
        expect(body.type).toBe('/problems/query-timeout');
        expect(body.detail).toMatch(/narrow the range/);
        expect(took).toBeGreaterThanOrEqual(4_900);
        expect(took).toBeLessThan(15_000);
      } finally {
        await locker.query('ROLLBACK').catch(() => undefined);
        await locker.end();
      }
      // The lock gone, the same request is answered.
      expect(nonEmpty(await histogram('h', HOUR), H)).toHaveLength(4);
    }, 30_000);
  });

  it('drops whole day partitions older than the retention period', async () => {
    const g = await tenant('g');
    const old = await publish(g.id, {
      summary: 'ten days ago',
      receivedAt: new Date(Date.now() - 10 * 86_400_000).toISOString(),
    });
    await publish(g.id, { summary: 'today' });
    await eventually(
      () => summaries('g'),
      (s) => s.length === 2,
      { what: 'both projected' },
    );
    const day = old.receivedAt.slice(0, 10).replace(/-/g, '');
    const partitions = () =>
      db
        .query<{ name: string }>(
          `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'timeline.timeline_entry'::regclass`,
        )
        .then((rows) => rows.map((r) => r.name));
    expect(await partitions()).toContain(`timeline_entry_${day}`);

    await app.stop('SIGTERM');
    await startApp({ DAALU_TIMELINE_RETENTION_DAYS: '5' });
    await eventually(
      () => app.lines.join('\n'),
      (out) => out.includes('dropped old partitions'),
      { what: 'retention log line' },
    );
    expect(await partitions()).not.toContain(`timeline_entry_${day}`);
    expect(await summaries('g')).toEqual(['today']);
  });
});
