import { Webhook } from 'standardwebhooks';
import { decodeConfigFact } from '@daalu/contracts';
import { signatureHeaders } from '@daalu/outbound/domain';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  type AppProcess,
  aTenantWithApiToken,
  freePort,
  startProcess,
  startReadyProcess,
  type TestDatabase,
  type TestNats,
} from '@daalu/testing';

const SCRIPT = 'apps/outbound-dispatcher/src/main.js';
const SECRET_KEY = 'ab'.repeat(32);

const TICKETING = {
  url: 'http://127.0.0.1:9/hooks/daalu',
  description: 'ticketing',
  trigger: {
    alerts: { minSeverity: 'warning', states: ['fired', 'resolved'] },
    proposals: { kinds: ['change'], states: ['approved'] },
    events: { type: 'deploy.*', module: 'ci', minSeverity: 'info' },
  },
  headers: { Authorization: 'Bearer ticket-system-token-123' },
  template: { fields: { summary: '{{summary}}', project: { key: 'OPS' } } },
  batch: { maxEvents: 100, maxSeconds: 5 },
  enabled: true,
};

/** /api/v1/webhooks of the outbound dispatcher, as a process over real NATS and PostgreSQL. */
describe('webhooks API', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let app: AppProcess;
  let base: string;
  let env: Record<string, string>;
  const tenants: Record<string, { id: string; auth: { authorization: string } }> = {};

  async function call(name: string, method: string, path: string, body?: unknown) {
    const response = await fetch(`${base}/api/v1/webhooks${path}`, {
      method,
      headers: { ...tenants[name].auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('outbound_api'));
    tenants.a = await aTenantWithApiToken(nats);
    tenants.b = await aTenantWithApiToken(nats);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      ...appEnv(db, nats),
      PORT: String(port),
      DAALU_SECRET_KEY: SECRET_KEY,
      DAALU_OUTBOUND_ALLOW: '127.0.0.0/8',
    };
    app = await startReadyProcess(SCRIPT, env, base);
  }, 60_000);

  afterAll(async () => {
    await app?.stop('SIGTERM');
    await nats.cleanup();
    await db.drop();
  });

  it('creates a webhook, showing its signing secret once; reads mask header values and secrets', async () => {
    const created = await call('a', 'POST', '', TICKETING);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...TICKETING,
      headers: { Authorization: '••••••' },
      version: 1,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const read = await call('a', 'GET', `/${created.body.id}`);
    expect(read.body).not.toHaveProperty('secret');
    expect(JSON.stringify(read.body)).not.toContain('ticket-system-token-123');
    expect((await call('a', 'GET', '')).body.items.map((w: { id: string }) => w.id)).toEqual([created.body.id]);
  });

  it('reveals the secret with an audit record, and rotates it: for the grace period both sign', async () => {
    const created = await call('a', 'POST', '', { ...TICKETING, description: 'rotating' });
    const revealed = await call('a', 'GET', `/${created.body.id}/secret`);
    expect(revealed.status).toBe(200);
    expect(revealed.body).toMatchObject({
      secret: created.body.secret,
      revealedTo: expect.stringMatching(/^initial \(dat_\w{4}…\)$/),
    });
    const audit = await nats.jsm.streams.getMessage(nats.streams.config, {
      last_by_subj: `${nats.subjects.config(tenants.a.id, 'webhook')}.${created.body.id}`,
    });
    expect(decodeConfigFact(audit!.header, audit!.data)).toMatchObject({
      kind: 'webhook.secret-revealed',
      actor: expect.stringMatching(/^initial \(dat_/),
    });

    const rotated = await call('a', 'POST', `/${created.body.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect(Date.parse(rotated.body.previousExpiresAt) - Date.now()).toBeGreaterThan(86_000_000);
    const after = await call('a', 'GET', `/${created.body.id}`);
    expect(after.body.secrets).toHaveLength(2);
    expect(after.body.secrets[0].expiresAt).toBeNull();
    expect(after.body.secrets[1].expiresAt).toBe(rotated.body.previousExpiresAt);
    // What a delivery in the grace period will carry verifies with either secret.
    const headers = signatureHeaders(
      [rotated.body.secret, created.body.secret],
      'msg',
      Math.floor(Date.now() / 1000),
      '{}',
    );
    expect(new Webhook(created.body.secret).verify('{}', headers)).toEqual({});
    expect(new Webhook(rotated.body.secret).verify('{}', headers)).toEqual({});
    expect((await call('a', 'GET', `/${created.body.id}/secret`)).body.secret).toBe(rotated.body.secret);
  });

  it('refuses URLs that reach private, link-local or metadata addresses, naming the field', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.1/',
      'http://[fd00::1]/',
      // IPv4-compatible IPv6: the URL makes them [::7f00:1] and [::a00:1], which some stacks route to IPv4.
      'http://[::127.0.0.1]/',
      'http://[::10.0.0.1]/',
      'ftp://example.com/',
    ]) {
      const refused = await call('a', 'POST', '', { ...TICKETING, url });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'url' })]);
    }
  });

  it('validates every field and keeps tenants apart', async () => {
    const bad = await call('a', 'POST', '', {
      url: 'http://127.0.0.1/',
      trigger: { alerts: { states: ['exploded'] } },
      headers: { 'Content-Type': 'text/plain', 'Bad Name': 'x', 'X-Ok': 'line\nbreak' },
      batch: { maxEvents: 0, maxSeconds: 1 },
      extra: 1,
    });
    expect(bad.status).toBe(400);
    const fields = (bad.body.errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['trigger.alerts.states', 'batch.maxEvents', 'extra']));
    const noTrigger = await call('a', 'POST', '', {
      ...TICKETING,
      trigger: {},
      headers: { 'Content-Type': 'x', 'X-Ok': 'a\nb' },
    });
    expect((noTrigger.body.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(
      ['headers.Content-Type', 'headers.X-Ok', 'trigger'].sort(),
    );

    const mine = await call('a', 'POST', '', TICKETING);
    expect((await call('b', 'GET', `/${mine.body.id}`)).status).toBe(404);
    expect((await call('b', 'GET', `/${mine.body.id}/secret`)).status).toBe(404);
    expect((await call('b', 'POST', `/${mine.body.id}/rotate-secret`)).status).toBe(404);
    expect((await call('b', 'DELETE', `/${mine.body.id}`)).status).toBe(404);
    expect((await call('b', 'GET', '')).body.items).toEqual([]);
    expect((await call('a', 'DELETE', `/${mine.body.id}`)).status).toBe(204);
    expect((await call('a', 'GET', `/${mine.body.id}`)).status).toBe(404);
  });

  it('keeps secrets and header values out of the log and the database', async () => {
    const created = await call('a', 'POST', '', {
      ...TICKETING,
      headers: { Authorization: 'Bearer very-secret-header' },
    });
    const secret = created.body.secret as string;
    const consumer = await nats.js.consumers.get(nats.streams.config);
    const info = await nats.jsm.streams.info(nats.streams.config);
    let all = '';
    for await (const msg of await consumer.fetch({ max_messages: info.state.messages, expires: 2000 })) {
      all += Buffer.from(msg.data).toString('utf8');
      if (msg.seq >= info.state.last_seq) break;
    }
    expect(all).toContain(created.body.id);
    expect(all).not.toContain(secret.slice('whsec_'.length));
    expect(all).not.toContain('very-secret-header');
    // Every row of every table of the database, as text.
    const tables = await db.query<{ name: string }>(
      `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
        WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`,
    );
    let dump = '';
    for (const { name } of tables) {
      const rows = await db.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${name} t`);
      dump += rows.map((r) => r.row).join('\n');
    }
    expect(tables.length).toBeGreaterThan(0);
    expect(dump).not.toContain(secret.slice('whsec_'.length));
    expect(dump).not.toContain('very-secret-header');
  });

  it('refuses to start in production without DAALU_SECRET_KEY, naming it', async () => {
    const port = await freePort();
    const prod = startProcess(SCRIPT, [], { ...env, PORT: String(port), NODE_ENV: 'production', DAALU_SECRET_KEY: '' });
    expect(await prod.exited).toBe(1);
    expect(prod.lines.join('\n')).toMatch(/DAALU_SECRET_KEY/);
  });
});
