import { createDaaluClient, type DaaluClient, type Problem, type TimelineEntry } from '../src';
import { eventually, launchStack, type LaunchedStack } from '@daalu/testing';

const OPERATOR_TOKEN = 'client-test-operator-token';

/**
 * The typed client as a user runs it, against the whole stack behind the one origin (`npm start`'s
 * launcher, after the build): a tenant created with the operator token, an event sent with its ingest
 * key and read back from the timeline with its API token, and an error answer read as a problem.
 */
describe('@daalu/client against the running API', () => {
  let stack: LaunchedStack;
  let baseUrl: string;
  let tenant: { ingestKey: string; apiToken: string };
  let reader: DaaluClient;

  beforeAll(async () => {
    stack = await launchStack('client', { DAALU_OPERATOR_TOKEN: OPERATOR_TOKEN });
    baseUrl = stack.baseUrl;
  }, 150_000);

  afterAll(() => stack?.stop(), 60_000);

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
