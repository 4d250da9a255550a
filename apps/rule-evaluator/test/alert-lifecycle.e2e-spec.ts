import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeEventStreamFact, type EventStreamFact } from '@daalu/contracts';
import { eventually, launchStack, type LaunchedStack, type TestNats } from '@daalu/testing';

const OPERATOR_TOKEN = 'alert-lifecycle-operator-token';

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * What an on-call engineer and a sender do to an alert, on the whole stack behind the one origin:
 * acknowledge (a fact on the log: on the timeline, in the audit log, delivered to a webhook selecting
 * `acknowledged`), take it back, resolve it by hand with a note; and a sender resolving what it raised
 * by its dedup key. Each step is checked in the API's answers and on the log itself.
 */
describe('alert lifecycle: acknowledge, unacknowledge, resolve, resolve by dedup key', () => {
  let stack: LaunchedStack;
  let nats: TestNats;
  let receiver: Server;
  const received: Array<{ type?: string; body: string }> = [];
  let baseUrl: string;
  let tenant: { id: string; ingestKey: string; apiToken: string };
  let readToken: string;
  const actor = () => `initial (${tenant.apiToken.slice(0, 8)}…)`;

  async function call(method: string, path: string, body?: unknown, token = tenant.apiToken): Promise<Answer> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }
  const send = async (type: string, payload: Record<string, unknown>) => {
    const response = await fetch(`${baseUrl}/api/v1/events`, {
      method: 'POST',
      headers: { 'x-daalu-key': tenant.ingestKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        type,
        source: 'monitor',
        summary: `${type} on ${String(payload.host)}`,
        severity: 'critical',
        payload,
      }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  };
  const firingFor = (host: string) =>
    eventually(
      () => call('GET', '/api/v1/alerts?state=firing'),
      (a) => a.body.items?.some((alert: { groupKey: string }) => alert.groupKey === host),
      { what: `an alert firing for ${host}` },
    ).then((a) => a.body.items.find((alert: { groupKey: string }) => alert.groupKey === host));
  /** Every alert fact of the tenant on the log, in order. */
  const alertFacts = async (): Promise<EventStreamFact[]> => {
    const consumer = await nats.js.consumers.get(nats.streams.events, {
      filter_subjects: nats.subjects.alert(tenant.id),
    });
    const facts: EventStreamFact[] = [];
    const info = await nats.jsm.streams.info(nats.streams.events, { subjects_filter: nats.subjects.alert(tenant.id) });
    const total = (info.state.subjects as Record<string, number> | undefined)?.[nats.subjects.alert(tenant.id)] ?? 0;
    while (facts.length < total) {
      const msg = await consumer.next({ expires: 2_000 });
      if (!msg) break;
      const fact = decodeEventStreamFact(msg.headers, msg.data);
      if (fact) facts.push(fact);
    }
    return facts;
  };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ type: JSON.parse(body)?.type, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    stack = await launchStack('alertlife', {
      DAALU_OPERATOR_TOKEN: OPERATOR_TOKEN,
      DAALU_OUTBOUND_ALLOW: '127.0.0.0/8',
    });
    ({ baseUrl, nats } = stack);
    const created = await fetch(`${baseUrl}/api/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'on-call' }),
    });
    tenant = (await created.json()) as typeof tenant;
    readToken = (await call('POST', '/api/v1/api-tokens', { name: 'viewer', scopes: ['read'] })).body.token;
    const rule = await call('POST', '/api/v1/alert-rules', {
      name: 'disk full',
      kind: 'match',
      match: { type: 'disk.full' },
      groupBy: 'payload.host',
      alert: { severity: 'critical', summary: 'disk full on {{payload.host}}' },
    });
    expect(rule.status).toBe(201);
    const port = (receiver.address() as AddressInfo).port;
    const hook = await call('POST', '/api/v1/webhooks', {
      url: `http://127.0.0.1:${port}/pager`,
      description: 'acknowledgements',
      trigger: { alerts: { states: ['acknowledged'] } },
    });
    expect(hook.status).toBe(201);
  }, 150_000);

  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  }, 60_000);

  it('acknowledges a firing alert: owned, still firing, a fact on the log, the timeline, the audit log and a webhook', async () => {
    await send('disk.full', { host: 'db-1', dedupKey: 'inc-1' });
    const alert = await firingFor('db-1');
    expect(alert).toMatchObject({ acknowledgedBy: null, dedupKey: 'inc-1' });

    const acked = await call('POST', `/api/v1/alerts/${alert.id}/acknowledge`, { note: 'looking at db-1' });
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({
      id: alert.id,
      state: 'firing',
      acknowledgedBy: actor(),
      acknowledgeNote: 'looking at db-1',
      acknowledgedAt: expect.any(String),
    });
    expect((await call('GET', '/api/v1/alerts?acknowledged=true')).body.items.map((a: { id: string }) => a.id)).toEqual(
      [alert.id],
    );
    expect((await call('GET', '/api/v1/alerts?acknowledged=false')).body.items).toEqual([]);

    // Again: nothing changes, nothing more on the log.
    expect((await call('POST', `/api/v1/alerts/${alert.id}/acknowledge`, {})).body.acknowledgeNote).toBe(
      'looking at db-1',
    );
    const facts = await alertFacts();
    expect(facts.map((f) => f.kind)).toEqual(['alert.fired', 'alert.acknowledged']);
    expect(facts[1]).toMatchObject({
      alertId: alert.id,
      actor: actor(),
      note: 'looking at db-1',
      correlationId: alert.id,
    });

    const timeline = await eventually(
      () => call('GET', '/api/v1/events?type=alert.acknowledged'),
      (a) => a.body.items?.length === 1,
      { what: 'the acknowledgement on the timeline' },
    );
    expect(timeline.body.items[0]).toMatchObject({
      kind: 'alert.acknowledged',
      summary: `acknowledged by ${actor()}: disk full on db-1`,
    });
    await eventually(
      () => received.filter((r) => r.body.includes('alert.acknowledged')).length,
      (n) => n === 1,
      {
        what: 'the acknowledgement delivered to the webhook selecting it',
      },
    );
    const audit = await eventually(
      () => call('GET', '/api/v1/audit?action=alert.*'),
      (a) => a.body.items?.length === 1,
      { what: 'the acknowledgement in the audit log' },
    );
    expect(audit.body.items[0]).toMatchObject({
      action: 'alert.acknowledged',
      actor: actor(),
      target: { type: 'alert', id: alert.id, name: 'disk full (db-1)' },
      details: { note: 'looking at db-1' },
    });
  });

  it('takes an acknowledgement back, then resolves by hand with a note; a resolved alert is a 409', async () => {
    const alert = await firingFor('db-1');
    const unacked = await call('POST', `/api/v1/alerts/${alert.id}/unacknowledge`);
    expect(unacked.status).toBe(200);
    expect(unacked.body).toMatchObject({ state: 'firing', acknowledgedBy: null, acknowledgedAt: null });

    const resolved = await call('POST', `/api/v1/alerts/${alert.id}/resolve`, { note: 'freed 40 GB' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      state: 'resolved',
      resolveReason: 'manual',
      resolvedBy: actor(),
      resolveNote: 'freed 40 GB',
    });
    const again = await call('POST', `/api/v1/alerts/${alert.id}/resolve`, {});
    expect(again.status).toBe(409);
    expect((await call('POST', `/api/v1/alerts/${alert.id}/acknowledge`, {})).status).toBe(409);

    const facts = await alertFacts();
    expect(facts.map((f) => f.kind)).toEqual([
      'alert.fired',
      'alert.acknowledged',
      'alert.unacknowledged',
      'alert.resolved',
    ]);
    expect(facts[3]).toMatchObject({ reason: 'manual', actor: actor(), note: 'freed 40 GB', count: 1 });
    // The evaluator took the resolution: the next disk.full on db-1 fires a new alert.
    await send('disk.full', { host: 'db-1' });
    const next = await firingFor('db-1');
    expect(next.id).not.toBe(alert.id);
    await eventually(
      () => call('GET', '/api/v1/audit?action=alert.*'),
      (a) =>
        a.body.items?.map((e: { action: string }) => e.action).join() ===
        'alert.resolved,alert.unacknowledged,alert.acknowledged',
      { what: 'the unacknowledgement and the resolution in the audit log' },
    );
  });

  it('lets a sender resolve what it raised by its dedup key, firing nothing new', async () => {
    await send('disk.full', { host: 'db-2', dedupKey: 'inc-2' });
    const alert = await firingFor('db-2');
    const resolvingId = await send('disk.full', { host: 'db-2', dedupKey: 'inc-2', eventAction: 'resolve' });
    const resolved = await eventually(
      () => call('GET', '/api/v1/alerts?state=resolved'),
      (a) => a.body.items?.some((x: { id: string }) => x.id === alert.id),
      { what: 'resolved by its dedup key' },
    );
    expect(resolved.body.items.find((x: { id: string }) => x.id === alert.id)).toMatchObject({
      resolveReason: 'dedup-key',
    });
    const facts = await alertFacts();
    expect(facts.at(-1)).toMatchObject({
      kind: 'alert.resolved',
      alertId: alert.id,
      reason: 'dedup-key',
      resolvingEventId: resolvingId,
    });
    // The resolving event (a disk.full itself) fired nothing; a key nobody raised resolves nothing.
    await send('disk.full', { host: 'db-3', dedupKey: 'inc-unknown', eventAction: 'resolve' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const firing = (await call('GET', '/api/v1/alerts?state=firing')).body.items.map(
      (a: { groupKey: string }) => a.groupKey,
    );
    expect(firing).toEqual(['db-1']);
  });

  it('silences: a covered alert fires and shows, marked silenced, and is delivered when the silence ends', async () => {
    const port = (receiver.address() as AddressInfo).port;
    const hook = await call('POST', '/api/v1/webhooks', {
      url: `http://127.0.0.1:${port}/fired`,
      description: 'fired and resolved',
      trigger: { alerts: { states: ['fired', 'resolved'] } },
    });
    expect(hook.status).toBe(201);
    const deliveredFor = (host: string) =>
      received.filter((r) => r.body.includes(`disk full on ${host}`) && !r.body.includes('alert.acknowledged'));

    const endsAt = new Date(Date.now() + 4_000).toISOString();
    const short = await call('POST', '/api/v1/silences', { matchers: { groupKey: 'db-9' }, endsAt, comment: 'reboot' });
    expect(short.status).toBe(201);
    expect(short.body).toMatchObject({ state: 'active', createdBy: actor(), comment: 'reboot', expiredAt: null });
    await send('disk.full', { host: 'db-9' });
    const silenced = await firingFor('db-9');
    expect(silenced.silencedBy).toBe(short.body.id);
    const entry = await eventually(
      () => call('GET', '/api/v1/events?type=alert.fired&q=db-9'),
      (a) => a.body.items?.length === 1,
      { what: 'the silenced alert on the timeline' },
    );
    expect(entry.body.items[0].payload.silencedBy).toBe(short.body.id);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(deliveredFor('db-9')).toEqual([]);
    // The silence ends while it still fires: delivered then, once.
    await eventually(
      () => deliveredFor('db-9').length,
      (n) => n === 1,
      { timeoutMs: 10_000, what: 'delivered at the end' },
    );
    expect(deliveredFor('db-9')[0].body).toContain('alert.unsilenced');
    expect((await firingFor('db-9')).silencedBy).toBeNull();
    expect((await call('GET', `/api/v1/silences/${short.body.id}`)).body.state).toBe('expired');

    // Expired early: delivered at once. Resolved while silenced: nobody is told it fired or ended.
    const long = await call('POST', '/api/v1/silences', {
      matchers: { severity: 'critical', payload: [{ field: 'rack', op: 'eq', value: 'r7' }] },
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(long.status).toBe(201);
    await send('disk.full', { host: 'db-8', rack: 'r7' });
    await send('disk.full', { host: 'db-7', rack: 'r7' });
    expect((await firingFor('db-8')).silencedBy).toBe(long.body.id);
    const quiet = await firingFor('db-7');
    expect((await call('POST', `/api/v1/alerts/${quiet.id}/resolve`, { note: 'maintenance' })).status).toBe(200);
    const expired = await call('POST', `/api/v1/silences/${long.body.id}/expire`);
    expect(expired.body).toMatchObject({ state: 'expired', expiredBy: actor() });
    await eventually(
      () => deliveredFor('db-8').length,
      (n) => n === 1,
      { what: 'delivered when expired' },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(deliveredFor('db-7')).toEqual([]);
    expect((await call('GET', '/api/v1/silences?state=active')).body.items).toEqual([]);
    expect((await call('GET', '/api/v1/silences?state=expired')).body.items).toHaveLength(2);
    const audit = await call('GET', '/api/v1/audit?action=silence.*');
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'silence.expired',
      'silence.created',
      'silence.created',
    ]);
  });

  it('refuses bad silences with 400 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ matchers: {}, endsAt: new Date(Date.now() - 1_000).toISOString() }, 'endsAt'],
      [{ matchers: {}, endsAt: new Date(Date.now() + 31 * 86_400_000).toISOString() }, 'endsAt'],
      [{ matchers: { severity: 'loud' }, endsAt: new Date(Date.now() + 60_000).toISOString() }, 'matchers.severity'],
      [
        { matchers: { payload: [{ field: 'x', op: 'near' }] }, endsAt: new Date(Date.now() + 60_000).toISOString() },
        'matchers.payload',
      ],
      [{ endsAt: new Date(Date.now() + 60_000).toISOString() }, 'matchers'],
    ];
    for (const [body, field] of cases) {
      const answer = await call('POST', '/api/v1/silences', body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.body.errors.map((e: { field: string }) => e.field).join()).toContain(field);
    }
    expect(
      (
        await call(
          'POST',
          '/api/v1/silences',
          { matchers: {}, endsAt: new Date(Date.now() + 60_000).toISOString() },
          readToken,
        )
      ).status,
    ).toBe(403);
    expect((await call('POST', '/api/v1/silences/0194f3a2-7c1e-7a00-8000-0000000000aa/expire')).status).toBe(404);
  });

  it('refuses what it must: the write scope, an unknown alert, a bad note', async () => {
    const alert = await firingFor('db-1');
    const refused = await call('POST', `/api/v1/alerts/${alert.id}/acknowledge`, {}, readToken);
    expect(refused.status).toBe(403);
    expect(refused.body.requiredScope).toBe('write');
    expect((await call('POST', '/api/v1/alerts/0194f3a2-7c1e-7a00-8000-0000000000aa/acknowledge', {})).status).toBe(
      404,
    );
    const bad = await call('POST', `/api/v1/alerts/${alert.id}/resolve`, { note: 'x'.repeat(1001), extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['extra', 'note']);
    expect((await call('GET', '/api/v1/alerts?acknowledged=maybe')).status).toBe(400);
  });
});
