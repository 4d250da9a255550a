import { EventIngestedCodec } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { JetStreamPublisher } from '@daalu/platform/jetstream';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  aTenantWithApiToken,
  eventually,
  freePort,
  rawRequest,
  startReadyProcess,
  type AppProcess,
  type TestDatabase,
  type TestNats,
} from '@daalu/testing';

const SCRIPT = 'apps/timeline-projector/src/main.js';

/**
 * Queries an attacker sends to GET /api/v1/events and /stream: each is a 400 problem naming the
 * parameter, never a 500 (the app running as its own process, over real NATS and PostgreSQL).
 */
describe('timeline API under hostile queries', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let app: AppProcess;
  let port: number;
  let token: string;

  const get = (path: string) => rawRequest(port, 'GET', path, { authorization: `Bearer ${token}` });

  async function expectBadParameter(path: string, field: string): Promise<void> {
    const answer = await get(path);
    expect({ path, status: answer.status }).toEqual({ path, status: 400 });
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.body.errors?.map((error) => error.field)).toContain(field);
  }

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('timeline_hostile'));
    const tenant = await aTenantWithApiToken(nats);
    token = tenant.token;
    const publisher = new JetStreamPublisher(nats.js);
    await publisher.publish(
      nats.subjects.event(tenant.id),
      EventIngestedCodec,
      anIngestedEvent(tenant.id, { type: 'deploy.started', summary: 'deploy started' }),
    );
    port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    app = await startReadyProcess(SCRIPT, { ...appEnv(db, nats), PORT: String(port), LOG_LEVEL: 'info' }, base);
    await eventually(
      async () => (await get('/api/v1/events')).body.items?.length ?? 0,
      (n) => n === 1,
      { timeoutMs: 10_000, what: 'the seeded event on the timeline' },
    );
  }, 60_000);

  afterAll(async () => {
    await app?.stop('SIGTERM');
    await nats.cleanup();
    await db.drop();
  });

  it('a prefix of the highest BMP character (type=\\uffff*) is a plain empty page', async () => {
    for (const type of ['%EF%BF%BF*', '%EF%BF%BFa*', '%F4%8F%BF%BF*', '%F0%9F%9A%80*']) {
      const answer = await get(`/api/v1/events?type=${type}`);
      expect({ type, status: answer.status, items: answer.body.items }).toEqual({ type, status: 200, items: [] });
    }
    expect((await get('/api/v1/events/stream?type=%EF%BF%BF*')).status).toBe(200);
  });

  it.each(['since', 'until'])('%s outside the calendar PostgreSQL keeps is a 400 naming it', async (bound) => {
    for (const value of [
      '0000-01-01',
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:30:00%2B01:00',
      '9999-12-31T23:30:00-01:00',
      '99999-01-01',
      '%2B275760-09-13',
      '2024-02-30',
      '2023-02-29',
      '2024-13-01',
      '2024-01-01T25:00:00Z',
      '2024-01-01T00:00:00%2B99:99',
    ]) {
      await expectBadParameter(`/api/v1/events?${bound}=${value}`, bound);
      await expectBadParameter(`/api/v1/events/stream?${bound}=${value}`, bound);
    }
    // The edges PostgreSQL does keep are fine.
    expect((await get(`/api/v1/events?${bound}=0001-01-01`)).status).toBe(200);
    expect((await get(`/api/v1/events?${bound}=9999-12-31T23:59:59.999Z`)).status).toBe(200);
    expect((await get(`/api/v1/events?${bound}=2024-02-29`)).status).toBe(200);
  });

  it('a cursor made up to carry year 0 is refused as not issued', async () => {
    const cursor = Buffer.from(
      JSON.stringify(['0000-01-01T00:00:00Z', '0194f3a2-7c1e-7a00-8000-0000000000aa']),
    ).toString('base64url');
    await expectBadParameter(`/api/v1/events?cursor=${cursor}`, 'cursor');
    const february30 = Buffer.from(
      JSON.stringify(['2024-02-30T00:00:00Z', '0194f3a2-7c1e-7a00-8000-0000000000aa']),
    ).toString('base64url');
    await expectBadParameter(`/api/v1/events?cursor=${february30}`, 'cursor');
  });

  it('bad %-encoding in a value or a name is a 400 naming the parameter', async () => {
    await expectBadParameter('/api/v1/events?q=%E0%A4%A', 'q');
    await expectBadParameter('/api/v1/events?type=%ZZ', 'type');
    await expectBadParameter('/api/v1/events?type=deploy.*&q=%', 'q');
    await expectBadParameter('/api/v1/events?q=%C0%AF', 'q');
    await expectBadParameter('/api/v1/events?payload.a%ZZ=1', '(a parameter name)');
    await expectBadParameter('/api/v1/events/stream?q=%E0%A4%A', 'q');
    // Well-formed encodings still work.
    expect((await get('/api/v1/events?q=%F0%9F%9A%80')).status).toBe(200);
    expect((await get('/api/v1/events?q=100%25')).status).toBe(200);
  });

  it('none of it was an internal error', () => {
    expect(app.lines.filter((line) => /unhandled error in request/.test(line))).toEqual([]);
  });
});
