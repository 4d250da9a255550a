import { createDaaluClient, type DaaluClient, type Problem, type TimelineEntry } from '../src';
import {
  createTestDatabase,
  createTestNats,
  eventually,
  freeConsecutivePorts,
  freePort,
  startProcess,
  type AppProcess,
  type TestDatabase,
  type TestNats,
} from '@daalu/testing';

const OPERATOR_TOKEN = 'client-test-operator-token';

/**
 * The typed client as a user runs it, against the whole stack behind the one origin (`npm start`'s
 * launcher, after the build): a tenant created with the operator token, an event sent with its ingest
 * key and read back from the timeline with its API token, and an error answer read as a problem.
 */
describe('@daalu/client against the running API', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let launcher: AppProcess;
  let baseUrl: string;
  let tenant: { ingestKey: string; apiToken: string };
  let reader: DaaluClient;

  beforeAll(async () => {
    db = await createTestDatabase('client');
    nats = await createTestNats('client');
    const originPort = await freePort();
    baseUrl = `http://127.0.0.1:${originPort}`;
    launcher = startProcess('tools/dev/start.js', [], {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      DAALU_NAMESPACE: nats.namespace,
      DAALU_PORT: String(originPort),
      DAALU_APP_PORTS_FROM: String(await freeConsecutivePorts(4)),
      DAALU_OPERATOR_TOKEN: OPERATOR_TOKEN,
    });
    await launcher.waitForLine(/Press Ctrl-C to stop/, 120_000);
  }, 150_000);

  afterAll(async () => {
    if (launcher && launcher.child.exitCode === null) {
      // Ctrl-C, as a user stops it (every app drains and exits); killed if that takes over 15 s.
      launcher.child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([launcher.exited, new Promise((resolve) => (timer = setTimeout(resolve, 15_000)))]);
      clearTimeout(timer);
      await launcher.stop('SIGKILL');
    }
    await nats?.cleanup();
    await db?.drop();
  }, 60_000);

  it('creates a tenant with the operator token', async () => {
    const operator = createDaaluClient({ baseUrl, apiToken: OPERATOR_TOKEN });
    const { data, error, response } = await operator.POST('/api/v1/tenants', { body: { name: 'client-test' } });
    expect(error).toBeUndefined();
    expect(response.status).toBe(201);
    expect(data!.name).toBe('client-test');
    expect(data!.ingestKey).toMatch(/^dik_/);
    tenant = data!;
    reader = createDaaluClient({ baseUrl, apiToken: tenant.apiToken });
  });

  it('sends an event with the ingest key and reads it back from the timeline with the API token', async () => {
    const sender = createDaaluClient({ baseUrl, ingestKey: tenant.ingestKey });
    const sent = await sender.POST('/api/v1/events', {
      body: {
        type: 'check.failed',
        source: 'nightly-cron',
        summary: 'disk usage on backup host exceeded 90%',
        severity: 'warning',
        payload: { host: 'backup-1', pct: 93 },
      },
    });
    expect(sent.response.status).toBe(202);
    expect(sent.data!.status).toBe('accepted');
    const id = sent.data!.id;

    // The timeline learns the new tenant's token, and the event, from the log: both within moments.
    const entry: TimelineEntry | undefined = await eventually(
      async () => {
        const { data } = await reader.GET('/api/v1/events', { params: { query: { type: 'check.*', limit: 10 } } });
        return data?.items.find((item) => item.id === id);
      },
      (found) => found !== undefined,
      { what: 'the event on the timeline', timeoutMs: 20_000 },
    );
    expect(entry).toMatchObject({
      kind: 'event',
      type: 'check.failed',
      module: 'custom',
      source: 'nightly-cron',
      severity: 'warning',
      payload: { host: 'backup-1', pct: 93 },
      correlationId: id,
    });
    expect(Date.parse(entry!.receivedAt)).not.toBeNaN();
  });

  it('gives an error answer as its problem document, each offending field named', async () => {
    const { data, error, response } = await reader.GET('/api/v1/events', { params: { query: { limit: 0 } } });
    expect(data).toBeUndefined();
    expect(response.status).toBe(400);
    const problem: Problem | undefined = error;
    expect(problem).toMatchObject({ status: 400, title: expect.any(String) });
    expect(problem!.errors?.map((e) => e.field)).toContain('limit');
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('sends the API token nowhere near the ingest route, and the ingest key with nothing else', async () => {
    // Only the token: the ingest route asks for a key it was not given.
    const ingestWithToken = await reader.POST('/api/v1/events', {
      body: { type: 'check.failed', source: 's', summary: 's' },
    });
    expect(ingestWithToken.response.status).toBe(401);
    // Only the key: the timeline asks for a token.
    const readWithKey = await createDaaluClient({ baseUrl, ingestKey: tenant.ingestKey }).GET('/api/v1/events');
    expect(readWithKey.response.status).toBe(401);
  });
});
