import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  aTenantWithApiToken,
  freePort,
  nestedJson,
  startReadyProcess,
  type AppProcess,
  type TestDatabase,
  type TestNats,
} from '@daalu/testing';

const SCRIPT = 'apps/outbound-dispatcher/src/main.js';

/**
 * Bodies and queries an attacker sends the webhooks API (the dispatcher as its own process, over real
 * NATS and PostgreSQL): a 400 problem naming the field or parameter, never a 500.
 */
describe('webhooks API under hostile bodies and queries', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let app: AppProcess;
  let base: string;
  let auth: { authorization: string };

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('outbound_hostile'));
    auth = (await aTenantWithApiToken(nats)).auth;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await startReadyProcess(
      SCRIPT,
      { ...appEnv(db, nats), PORT: String(port), DAALU_SECRET_KEY: 'ab'.repeat(32), LOG_LEVEL: 'info' },
      base,
    );
  }, 60_000);

  afterAll(async () => {
    await app?.stop('SIGTERM');
    await nats.cleanup();
    await db.drop();
  });

  it('a body nested 100,000 deep is a 400 naming where it goes too deep', async () => {
    for (const [method, path] of [
      ['POST', '/api/v1/webhooks'],
      ['PUT', '/api/v1/webhooks/0194f3a2-7c1e-7a00-8000-0000000000aa'],
    ]) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { ...auth, 'content-type': 'application/json' },
        body: nestedJson(100_000),
      });
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = (await response.json()) as { errors: Array<{ field: string; message: string }> };
      expect(body.errors).toEqual([
        { field: `a${'[0]'.repeat(63)}`, message: expect.stringMatching(/at most 64 levels/) },
      ]);
    }
  });

  it('bad %-encoding in the query is a 400 naming the parameter', async () => {
    // fetch sends the query as written: `%ZZ` is not re-encoded.
    const response = await fetch(`${base}/api/v1/webhooks?q=%E0%A4%A&type=%ZZ`, { headers: auth });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ field: string }> };
    expect(body.errors.map((error) => error.field)).toEqual(['q', 'type']);
  });

  it('none of it was an internal error', () => {
    expect(app.lines.filter((line) => /unhandled error in request/.test(line))).toEqual([]);
  });
});
