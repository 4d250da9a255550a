import { v7 as uuidv7 } from 'uuid';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  aTenantWithApiToken,
  freePort,
  nestedJson,
  rawRequest,
  startReadyProcess,
  type AppProcess,
  type RawAnswer,
  type TestDatabase,
  type TestNats,
} from '@daalu/testing';

const SCRIPT = 'apps/rule-evaluator/src/main.js';

/**
 * What an attacker sends the rule evaluator's API (the app as its own process, over real NATS and
 * PostgreSQL): each is a 400 problem naming the field or parameter, never a 500.
 */
describe('rule evaluator API under hostile requests', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let app: AppProcess;
  let port: number;
  let token: string;

  const call = (method: string, path: string, body?: string) =>
    rawRequest(port, method, path, { authorization: `Bearer ${token}` }, body);

  async function expectBad(method: string, path: string, field: string | RegExp, body?: string): Promise<RawAnswer> {
    const answer = await call(method, path, body);
    expect({ path, status: answer.status }).toEqual({ path, status: 400 });
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    const fields = answer.body.errors?.map((error) => error.field) ?? [];
    expect(fields).toEqual([typeof field === 'string' ? field : expect.stringMatching(field)]);
    return answer;
  }

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('rules_hostile'));
    token = (await aTenantWithApiToken(nats)).token;
    port = await freePort();
    app = await startReadyProcess(
      SCRIPT,
      { ...appEnv(db, nats), PORT: String(port), LOG_LEVEL: 'info' },
      `http://127.0.0.1:${port}`,
    );
  }, 60_000);

  afterAll(async () => {
    await app?.stop('SIGTERM');
    await nats.cleanup();
    await db.drop();
  });

  it('a body nested 100,000 deep is a 400 naming where it goes too deep, on every write', async () => {
    const deepField = /^a(\[0\]){63}$/;
    for (const [method, path] of [
      ['POST', '/api/v1/alert-rules'],
      ['PUT', `/api/v1/alert-rules/${uuidv7()}`],
      ['POST', '/api/v1/proposals'],
      ['POST', `/api/v1/proposals/${uuidv7()}/reject`],
    ]) {
      const answer = await expectBad(method, path, deepField, nestedJson(100_000));
      expect(answer.body.errors?.[0].message).toMatch(/at most 64 levels/);
    }
    // 64 levels is within the limit: the DTO judges it (an unknown field, or a missing one), no longer the edge.
    const within = await call('POST', '/api/v1/alert-rules', nestedJson(64));
    expect(within.status).toBe(400);
    expect(within.body.errors?.map((error) => error.field)).not.toContainEqual(expect.stringMatching(deepField));
  });

  it('bad %-encoding in the query is a 400 naming the parameter', async () => {
    await expectBad('GET', '/api/v1/alerts?state=%ZZ', 'state');
    await expectBad('GET', '/api/v1/alerts?ruleId=%E0%A4%A', 'ruleId');
    await expectBad('GET', '/api/v1/alert-rules?cursor=%', 'cursor');
    await expectBad('GET', '/api/v1/proposals?st%ZZate=open', '(a parameter name)');
    expect((await call('GET', '/api/v1/alerts?state=firing')).status).toBe(200);
  });

  it('an alerts cursor made up to carry year 0 or February 30 is a 400, not a query PostgreSQL refuses', async () => {
    const id = '0194f3a2-7c1e-7a00-8000-0000000000aa';
    for (const at of ['0000-01-01T00:00:00Z', '2025-02-30T00:00:00Z']) {
      const cursor = Buffer.from(JSON.stringify([at, id])).toString('base64url');
      await expectBad('GET', `/api/v1/alerts?cursor=${cursor}`, 'cursor');
    }
  });

  it('the evaluations of an id no event can have are a 400 naming it', async () => {
    for (const id of [
      'ffffffff-ffff-7fff-bfff-ffffffffffff',
      'FFFFFFFF-FFFF-7FFF-BFFF-FFFFFFFFFFFF',
      // A UUIDv7 a day from now.
      `${(Date.now() + 86_400_000)
        .toString(16)
        .padStart(12, '0')
        .replace(/^(.{8})/, '$1-')}-7000-8000-000000000000`,
    ]) {
      const answer = await expectBad('GET', `/api/v1/events/${id}/evaluations`, 'id');
      expect(answer.body.errors?.[0].message).toMatch(/in the future/);
    }
    await expectBad('GET', '/api/v1/events/not-a-uuid/evaluations', 'id');
    // A v4 id carries no time: ?at= gives it, and must be a time an event can have been received at.
    const v4 = '3f8e4a2c-1d2b-4c3d-9e4f-5a6b7c8d9e0f';
    for (const at of [
      '%2B275760-09-13T00:00:00Z',
      '-271821-04-20T00:00:00Z',
      '9999-12-31T23:59:59Z',
      '1969-12-31T23:59:59Z',
      'tomorrow',
      '2026-01-01T00:00:00Z&at=2026-01-02T00:00:00Z',
    ]) {
      await expectBad('GET', `/api/v1/events/${v4}/evaluations?at=${at}`, 'at');
    }
    // What could be an event is looked for, and honestly not found.
    expect((await call('GET', `/api/v1/events/${uuidv7()}/evaluations`)).status).toBe(404);
    expect((await call('GET', `/api/v1/events/00000000-0000-7000-8000-000000000000/evaluations`)).status).toBe(404);
    const now = encodeURIComponent(new Date().toISOString());
    expect((await call('GET', `/api/v1/events/${v4}/evaluations?at=${now}`)).status).toBe(404);
  });

  it('none of it was an internal error', () => {
    expect(app.lines.filter((line) => /unhandled error in request|"level":"error"/.test(line))).toEqual([]);
  });
});
