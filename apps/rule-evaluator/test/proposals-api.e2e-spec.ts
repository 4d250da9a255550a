import { DeliverPolicy } from '@nats-io/jetstream';
import type { Proposal } from '@daalu/client';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  freePort,
  type AppProcess,
  type TestDatabase,
  type TestNats,
  aTenantWithApiToken,
  startReadyProcess,
} from '@daalu/testing';

const SCRIPT = 'apps/rule-evaluator/src/main.js';

/** /api/v1/proposals of the rule evaluator, as a process over real NATS and PostgreSQL. */
describe('proposals API', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let app: AppProcess;
  let base: string;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  async function call(name: string, method: string, path: string, body?: unknown) {
    const response = await fetch(`${base}/api/v1/proposals${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[name]}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as Proposal & { items: Proposal[]; errors: Array<{ field: string }> },
    };
  }

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('rules_proposals'));
    for (const name of ['a', 'b']) {
      const tenant = await aTenantWithApiToken(nats);
      ids[name] = tenant.id;
      tokens[name] = tenant.token;
    }
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await startReadyProcess(
      SCRIPT,
      {
        ...appEnv(db, nats),
        PORT: String(port),
      },
      base,
    );
  }, 60_000);

  afterAll(async () => {
    await app?.stop('SIGTERM');
    await nats.cleanup();
    await db.drop();
  });

  it('creates a proposal, records who approved it and when, and refuses a second decision', async () => {
    const created = await call('a', 'POST', '', {
      kind: 'change',
      title: 'scale api to 6',
      payload: { service: 'api', replicas: 6 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'change',
      title: 'scale api to 6',
      payload: { service: 'api', replicas: 6 },
      state: 'pending',
      createdBy: `initial (${tokens.a.slice(0, 8)}…)`,
      decidedBy: null,
    });
    const approved = await call('a', 'POST', `/${created.body.id}/approve`, {
      by: 'alice',
      reason: 'load test passed',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ state: 'approved', decidedBy: 'alice', reason: 'load test passed' });
    expect(Date.parse(approved.body.decidedAt!)).toBeGreaterThan(Date.now() - 10_000);
    const again = await call('a', 'POST', `/${created.body.id}/reject`, {});
    expect(again.status).toBe(409);
    expect((await call('a', 'GET', `/${created.body.id}`)).body.state).toBe('approved');

    // Every step is a fact on the proposal's own subject, in the EVENTS stream.
    const consumer = await nats.js.consumers.get(nats.streams.events, {
      filter_subjects: nats.subjects.proposal(ids.a, created.body.id),
      deliver_policy: DeliverPolicy.All,
    });
    const kinds: string[] = [];
    for await (const msg of await consumer.fetch({ max_messages: 2, expires: 2000 }))
      kinds.push(msg.json<{ kind: string }>().kind);
    expect(kinds).toEqual(['proposal.created', 'proposal.approved']);
  });

  it('lets only one of two concurrent decisions land', async () => {
    const created = await call('a', 'POST', '', { kind: 'rollback', title: 'roll back web' });
    const [approve, reject] = await Promise.all([
      call('a', 'POST', `/${created.body.id}/approve`),
      call('a', 'POST', `/${created.body.id}/reject`, { reason: 'not now' }),
    ]);
    expect([approve.status, reject.status].sort()).toEqual([200, 409]);
    const final = await call('a', 'GET', `/${created.body.id}`);
    expect(final.body.state).toBe(approve.status === 200 ? 'approved' : 'rejected');
  });

  it('lists newest first with a state filter, keeps tenants apart, and validates', async () => {
    const rejected = await call('a', 'POST', '', { kind: 'change', title: 'to reject' });
    await call('a', 'POST', `/${rejected.body.id}/reject`, { reason: 'no' });
    const pending = await call('a', 'POST', '', { kind: 'change', title: 'still pending' });
    const list = await call('a', 'GET', '?state=pending');
    expect(list.body.items.map((p) => p.id)).toEqual([pending.body.id]);
    const all = await call('a', 'GET', '?limit=2');
    expect(all.body.items.map((p) => p.title)).toEqual(['still pending', 'to reject']);

    expect((await call('b', 'GET', `/${pending.body.id}`)).status).toBe(404);
    expect((await call('b', 'POST', `/${pending.body.id}/approve`)).status).toBe(404);
    expect((await call('b', 'GET', '')).body.items).toEqual([]);

    const bad = await call('a', 'POST', '', { kind: '', title: 'x'.repeat(201), payload: [1], extra: true });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field).sort()).toEqual(['extra', 'kind', 'payload', 'title']);
    expect((await call('a', 'GET', '?state=open')).status).toBe(400);
  });
  it('refuses a NUL or a lone surrogate in a proposal or a decision, naming the field, and stores nothing', async () => {
    const before = (await call('a', 'GET', '?limit=500')).body.items.length;
    const nulTitle = await call('a', 'POST', '', { kind: 'change', title: 'scale\u0000 api' });
    expect(nulTitle.status).toBe(400);
    expect(nulTitle.body.errors).toEqual([{ field: 'title', message: 'must not contain a NUL character (\\u0000)' }]);
    const lonePayload = await call('a', 'POST', '', { kind: 'change', title: 'ok', payload: { note: ['\udfff'] } });
    expect(lonePayload.status).toBe(400);
    expect(lonePayload.body.errors).toEqual([
      { field: 'payload.note[0]', message: expect.stringMatching(/lone surrogate/) },
    ]);
    expect((await call('a', 'GET', '?limit=500')).body.items.length).toBe(before);

    const created = await call('a', 'POST', '', { kind: 'change', title: 'ship 🚀' });
    expect(created.status).toBe(201);
    expect(created.body.title).toBe('ship 🚀');
    const decision = await call('a', 'POST', `/${created.body.id}/approve`, { by: 'alice', reason: 'ok\u0000' });
    expect(decision.status).toBe(400);
    expect(decision.body.errors).toEqual([{ field: 'reason', message: expect.stringMatching(/NUL/) }]);
    expect((await call('a', 'GET', `/${created.body.id}`)).body.state).toBe('pending');
    expect((await call('a', 'GET', '?state=%00')).body.errors).toEqual([
      { field: 'state', message: expect.stringMatching(/NUL/) },
    ]);
  });
});
