import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { v7 as uuidv7 } from 'uuid';
import {
  AlertFiredCodec,
  AlertResolvedCodec,
  EventIngestedCodec,
  ProposalApprovedCodec,
  ProposalCreatedCodec,
  ProposalRejectedCodec,
  type AlertFired,
  type AlertResolved,
  type EventIngested,
  type ProposalApproved,
  type ProposalCreated,
  type ProposalRejected,
  type Severity,
} from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import type { JetStreamPublisher } from '@daalu/platform/jetstream';
import { eventually, type TestDatabase, type TestNats } from '@daalu/testing';
import { startDispatcher, type DispatcherUnderTest } from './dispatcher-under-test';
import { receiver, track, type Received } from './loopback-receiver';
const GRACE_S = 4;

/** The receiver of docs/product.md, literally: `printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET"`. */
function opensslHmac(secret: string, body: Buffer): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret], { input: body }).toString().trim();
  return out.slice(out.lastIndexOf(' ') + 1); // "SHA2-256(stdin)= <hex>"
}

function libraryVerifies(secret: string, { raw, headers }: Received): boolean {
  try {
    new Webhook(secret).verify(raw, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

const envelope = (kind: string, tenantId: string) => {
  const id = uuidv7();
  return { schemaVersion: 1 as const, kind, id, tenantId, correlationId: id, causationId: null };
};

/** Content of deliveries end to end: what each trigger kind gets, templates, headers, Retry-After, rotation. */
describe('delivery content', () => {
  let dispatcher: DispatcherUnderTest;
  let db: TestDatabase;
  let nats: TestNats;
  let base: string;
  let publisher: JetStreamPublisher;
  let tenant: { id: string; auth: { authorization: string } };

  async function webhook(body: object): Promise<{ id: string; secret: string }> {
    const response = await fetch(`${base}/api/v1/webhooks`, {
      method: 'POST',
      headers: { ...tenant.auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; secret: string };
  }

  async function sendEvent(overrides: Partial<EventIngested>): Promise<EventIngested> {
    const event = anIngestedEvent(tenant.id, { receivedAt: new Date().toISOString(), ...overrides });
    await publisher.publish(nats.subjects.event(tenant.id), EventIngestedCodec, event);
    return event;
  }

  async function fireAlert(severity: Severity): Promise<AlertFired> {
    const fact: AlertFired = {
      ...envelope('alert.fired', tenant.id),
      kind: 'alert.fired',
      alertId: uuidv7(),
      ruleId: uuidv7(),
      ruleVersion: 1,
      ruleName: `disk ${severity}`,
      ruleKind: 'match',
      groupKey: 'backup-1',
      severity,
      summary: `disk usage (${severity})`,
      firedAt: new Date().toISOString(),
      eventIds: [uuidv7()],
      context: [],
    };
    await publisher.publish(nats.subjects.alert(tenant.id), AlertFiredCodec, fact);
    return fact;
  }

  async function resolveAlert(severity: Severity): Promise<AlertResolved> {
    const fact: AlertResolved = {
      ...envelope('alert.resolved', tenant.id),
      kind: 'alert.resolved',
      alertId: uuidv7(),
      ruleId: uuidv7(),
      ruleName: `disk ${severity}`,
      groupKey: 'backup-1',
      severity,
      summary: `disk usage back to normal (${severity})`,
      resolvedAt: new Date().toISOString(),
      reason: 'quiet',
      resolvingEventId: null,
      count: 3,
    };
    await publisher.publish(nats.subjects.alert(tenant.id), AlertResolvedCodec, fact);
    return fact;
  }

  async function proposal(
    state: 'created' | 'approved' | 'rejected',
    proposalKind: string,
  ): Promise<ProposalCreated | ProposalApproved | ProposalRejected> {
    const proposalId = uuidv7();
    const common = {
      occurredAt: new Date().toISOString(),
      proposalId,
      proposalKind,
      title: `${proposalKind} the api`,
      actor: 'alice',
    };
    const subject = nats.subjects.proposal(tenant.id, proposalId);
    if (state === 'created') {
      const fact: ProposalCreated = {
        ...envelope('proposal.created', tenant.id),
        kind: 'proposal.created',
        ...common,
        payload: { to: 'v41' },
      };
      await publisher.publish(subject, ProposalCreatedCodec, fact);
      return fact;
    }
    if (state === 'approved') {
      const fact: ProposalApproved = {
        ...envelope('proposal.approved', tenant.id),
        kind: 'proposal.approved',
        ...common,
        reason: 'looks fine',
      };
      await publisher.publish(subject, ProposalApprovedCodec, fact);
      return fact;
    }
    const fact: ProposalRejected = {
      ...envelope('proposal.rejected', tenant.id),
      kind: 'proposal.rejected',
      ...common,
      reason: null,
    };
    await publisher.publish(subject, ProposalRejectedCodec, fact);
    return fact;
  }

  const history = async (webhookId: string) => {
    const response = await fetch(`${base}/api/v1/webhooks/${webhookId}/deliveries`, { headers: tenant.auth });
    expect(response.status).toBe(200);
    return (await response.json()) as {
      items: Array<{
        id: string;
        state: string;
        attemptsCount: number;
        attempts: Array<{
          attempt: number;
          request: { headers: Record<string, string>; body: string };
          response: { status: number; headers: Record<string, string>; body: string } | null;
        }>;
      }>;
    };
  };

  const deliveries = (webhookId: string) =>
    db.query<{ fact_kind: string; fact_id: string; state: string; attempts: number; last_status: number | null }>(
      `SELECT fact_kind, fact_id, state, attempts, last_status FROM outbound.delivery WHERE webhook_id = $1`,
      [webhookId],
    );

  beforeAll(async () => {
    dispatcher = await startDispatcher('outbound_content', {
      DAALU_SECRET_KEY: 'ef'.repeat(32),
      // A 200 ms first backoff, so that a 2 s wait can only come from Retry-After.
      DAALU_RETRY_BASE_MS: '200',
      DAALU_RETRY_WINDOW_S: '20',
      // A rotated-out secret signs for 4 s, so the test sees the grace period end.
      DAALU_KEY_GRACE_S: String(GRACE_S),
    });
    ({ db, nats, base, publisher, tenant } = dispatcher);
  }, 60_000);

  afterAll(() => dispatcher?.stop());

  it('sends each trigger kind only the facts it asks for, as {id, type, tenantId, data}', async () => {
    const targets = {
      fired: await receiver(),
      resolved: await receiver(),
      proposals: await receiver(),
      events: await receiver(),
    };
    const hooks = {
      fired: await webhook({
        url: targets.fired.url,
        trigger: { alerts: { states: ['fired'], minSeverity: 'warning' } },
      }),
      resolved: await webhook({ url: targets.resolved.url, trigger: { alerts: { states: ['resolved'] } } }),
      proposals: await webhook({
        url: targets.proposals.url,
        trigger: { proposals: { kinds: ['rollback'], states: ['approved'] } },
      }),
      events: await webhook({
        url: targets.events.url,
        trigger: { events: { minSeverity: 'warning', source: 'ci-runner' } },
      }),
    };

    // In log order: facts of every kind, each matching at most one of the webhooks (or none).
    const infoFired = await fireAlert('info'); // under minSeverity
    const criticalFired = await fireAlert('critical');
    const resolved = await resolveAlert('critical'); // a resolved alert: not for the fired-only webhook
    const created = await proposal('created', 'rollback'); // not approved
    const otherKind = await proposal('approved', 'scale'); // not a rollback
    const rejected = await proposal('rejected', 'rollback');
    const approved = await proposal('approved', 'rollback');
    const quiet = await sendEvent({ type: 'build.finished', source: 'ci-runner', severity: 'info' });
    const elsewhere = await sendEvent({ type: 'build.failed', source: 'nightly-cron', severity: 'critical' });
    const loud = await sendEvent({ type: 'build.failed', source: 'ci-runner', severity: 'critical' });
    // Sentinels, after every non-matching fact: once each has arrived, the fan-out is past the others.
    const sentinels = {
      fired: await fireAlert('warning'), // minSeverity is "at or above"
      resolved: await resolveAlert('info'), // no minSeverity: any
      proposals: await proposal('approved', 'rollback'),
      events: await sendEvent({ type: 'build.flaky', source: 'ci-runner', severity: 'warning' }),
    };
    const expected = {
      fired: [criticalFired, sentinels.fired],
      resolved: [resolved, sentinels.resolved],
      proposals: [approved, sentinels.proposals],
      events: [loud, sentinels.events],
    };

    for (const name of Object.keys(targets) as Array<keyof typeof targets>) {
      await eventually(
        () => targets[name].received.map((r) => (JSON.parse(r.body) as { data: { id: string } }).data.id),
        (ids) => ids.includes(sentinels[name].id),
        { what: `the ${name} sentinel` },
      );
    }
    // A delivery requested before the sentinel's could still be in flight: a moment for it to show.
    await new Promise((r) => setTimeout(r, 300));

    for (const name of Object.keys(targets) as Array<keyof typeof targets>) {
      const { received } = targets[name];
      expect(received).toHaveLength(2);
      const bodies = received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
      const byFact = new Map(bodies.map((b, i) => [(b.data as { id: string }).id, { body: b, got: received[i] }]));
      expect([...byFact.keys()].sort()).toEqual(expected[name].map((fact) => fact.id).sort());
      for (const fact of expected[name]) {
        const { body, got } = byFact.get(fact.id)!;
        expect(body).toEqual({ id: got.headers['webhook-id'], type: fact.kind, tenantId: tenant.id, data: fact });
        expect(libraryVerifies(hooks[name].secret, got)).toBe(true);
      }
      // The rows recorded: exactly these facts, delivered.
      await eventually(
        () => deliveries(hooks[name].id),
        (rows) => rows.length === 2 && rows.every((row) => row.state === 'delivered'),
        { what: `${name}: two deliveries recorded` },
      );
      expect((await deliveries(hooks[name].id)).map((row) => `${row.fact_kind}:${row.fact_id}`).sort()).toEqual(
        expected[name].map((fact) => `${fact.kind}:${fact.id}`).sort(),
      );
    }
    expect(targets.fired.received.map((r) => JSON.parse(r.body).type)).toEqual(['alert.fired', 'alert.fired']);
    expect(targets.resolved.received.map((r) => JSON.parse(r.body).type)).toEqual(['alert.resolved', 'alert.resolved']);
    expect(targets.proposals.received.map((r) => JSON.parse(r.body).type)).toEqual([
      'proposal.approved',
      'proposal.approved',
    ]);
    expect(targets.events.received.map((r) => JSON.parse(r.body).type)).toEqual(['event.ingested', 'event.ingested']);
    // And none of the others reached anyone.
    const everything = Object.values(targets).flatMap((t) => t.received.map((r) => r.body));
    for (const fact of [infoFired, created, otherKind, rejected, quiet, elsewhere]) {
      expect(everything.some((body) => body.includes(fact.id))).toBe(false);
    }
  });

  it('renders the template, adds the custom headers, signs exactly the bytes sent, and masks the header in the history', async () => {
    const target = await receiver();
    const hook = await webhook({
      url: target.url,
      trigger: { events: { type: 'template.*' } },
      headers: { Authorization: 'Bearer t0ken' },
      template: {
        fields: {
          title: 'Daalu: {{summary}} on {{payload.host}} ({{severity}}, {{payload.pct}}%)',
          pct: '{{payload.pct}}', // alone: stays a number
          payload: '{{payload}}', // alone: stays an object
          missing: '{{payload.nope}}', // alone and missing: null
          labels: ['daalu', '{{source}}'],
          delivery: { kind: '{{delivery.type}}', id: '{{delivery.id}}' },
          fixed: 7,
        },
      },
    });
    const event = await sendEvent({ type: 'template.check' });
    await eventually(
      () => target.received.length,
      (n) => n === 1,
      { what: 'the templated delivery' },
    );
    const [got] = target.received;
    const rendered = {
      title: 'Daalu: disk usage on backup host exceeded 90% on backup-1 (warning, 93%)',
      pct: 93,
      payload: { host: 'backup-1', pct: 93 },
      missing: null,
      labels: ['daalu', 'nightly-cron'],
      delivery: { kind: 'event.ingested', id: got.headers['webhook-id'] },
      fixed: 7,
    };
    expect(JSON.parse(got.body)).toEqual(rendered);
    expect(typeof JSON.parse(got.body).pct).toBe('number');
    expect(got.body).not.toContain(event.id); // the template alone: not the default body
    expect(got.headers.authorization).toBe('Bearer t0ken');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-daalu-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(got.headers['x-daalu-signature']).toBe(opensslHmac(hook.secret, got.raw));
    expect(new Webhook(hook.secret).verify(got.raw, got.headers as Record<string, string>)).toEqual(rendered);

    await eventually(
      () => deliveries(hook.id),
      (rows) => rows[0]?.state === 'delivered',
      { what: 'recorded as delivered' },
    );
    const { items } = await history(hook.id);
    expect(items).toHaveLength(1);
    expect(items[0].attempts[0].request.headers.Authorization).toBe('••••••');
    expect(items[0].attempts[0].request.body).toBe(got.body);
    expect(JSON.stringify(items)).not.toContain('t0ken');
    const stored = await db.query<{ request: string }>(
      `SELECT a.request::text AS request FROM outbound.delivery_attempt a JOIN outbound.delivery d USING (delivery_id)
        WHERE d.webhook_id = $1`,
      [hook.id],
    );
    expect(stored).toHaveLength(1);
    expect(stored[0].request).not.toContain('t0ken');
  });

  it('honours Retry-After: the second attempt waits as asked, with the same webhook-id', async () => {
    const target = await receiver([{ status: 503, headers: { 'Retry-After': '2' } }, { status: 200 }]);
    const hook = await webhook({ url: target.url, trigger: { events: { type: 'retryafter.*' } } });
    await sendEvent({ type: 'retryafter.check' });
    await eventually(
      () => deliveries(hook.id),
      (rows) => rows[0]?.state === 'delivered',
      { what: 'delivered on the second attempt', timeoutMs: 10_000 },
    );
    expect(target.received).toHaveLength(2);
    const [first, second] = target.received;
    // The backoff alone would wait 100-200 ms; the receiver asked for 2 s.
    expect(second.at - first.at).toBeGreaterThanOrEqual(1900);
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(await deliveries(hook.id)).toMatchObject([{ state: 'delivered', attempts: 2, last_status: 200 }]);

    const { items } = await history(hook.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ state: 'delivered', attemptsCount: 2 });
    expect(items[0].attempts.map((a) => a.response?.status)).toEqual([503, 200]);
    expect(items[0].attempts[0].response?.headers['retry-after']).toBe('2');
  });

  it('signs with the old secret, then both during the grace period, then only the new one', async () => {
    const target = await receiver();
    const hook = await webhook({ url: target.url, trigger: { events: { type: 'rotation.*' } } });
    const old = hook.secret;
    const deliver = async (n: number) => {
      await sendEvent({ type: 'rotation.check', summary: `rotation ${n}` });
      await eventually(
        () => target.received.length,
        (count) => count === n,
        { what: `delivery ${n}` },
      );
      return target.received[n - 1];
    };

    // Before: one secret.
    const before = await deliver(1);
    expect(before.headers['x-daalu-signature']).toBe(opensslHmac(old, before.raw));
    expect(before.headers['x-daalu-signature-next']).toBeUndefined();
    expect(libraryVerifies(old, before)).toBe(true);

    const rotated = await fetch(`${base}/api/v1/webhooks/${hook.id}/rotate-secret`, {
      method: 'POST',
      headers: tenant.auth,
    });
    expect(rotated.status).toBe(200);
    const { secret: next, previousExpiresAt } = (await rotated.json()) as { secret: string; previousExpiresAt: string };
    expect(next).toMatch(/^whsec_/);
    expect(next).not.toBe(old);
    const expiresAt = Date.parse(previousExpiresAt);
    expect(expiresAt - Date.now()).toBeGreaterThan((GRACE_S - 1) * 1000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(GRACE_S * 1000);

    // During: either secret verifies; X-Daalu-Signature keeps the old one, -Next has the new one.
    const during = await deliver(2);
    expect(Number(during.headers['webhook-timestamp']) * 1000).toBeLessThan(expiresAt); // really inside the grace
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(libraryVerifies(old, during)).toBe(true);
    expect(libraryVerifies(next, during)).toBe(true);
    expect(during.headers['x-daalu-signature']).toBe(opensslHmac(old, during.raw));
    expect(during.headers['x-daalu-signature-next']).toBe(opensslHmac(next, during.raw));

    // After the grace period: the new secret only.
    await eventually(
      () => Date.now(),
      (now) => now > expiresAt + 200,
      { what: 'the grace period over', timeoutMs: (GRACE_S + 2) * 1000, intervalMs: 100 },
    );
    const after = await deliver(3);
    expect(after.headers['x-daalu-signature']).toBe(opensslHmac(next, after.raw));
    expect(after.headers['x-daalu-signature-next']).toBeUndefined();
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(libraryVerifies(next, after)).toBe(true);
    expect(libraryVerifies(old, after)).toBe(false);
  }, 30_000);
  it('lets a receiver that hangs hold at most 32 of a replica’s slots: other URLs go on, nothing is lost', async () => {
    // Holds every request until released, counting how many are open at once.
    let open = 0;
    let mostOpen = 0;
    const held: Array<() => void> = [];
    const answered: string[] = [];
    const slow = createServer((req, res) => {
      open++;
      mostOpen = Math.max(mostOpen, open);
      req.resume();
      held.push(() => {
        open--;
        answered.push(String(req.headers['webhook-id']));
        res.writeHead(200).end();
      });
    });
    track(slow);
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const fast = await receiver();
    await webhook({
      url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/slow`,
      trigger: { events: { type: 'hang.*' } },
    });
    await webhook({ url: fast.url, trigger: { events: { type: 'quick.*' } } });

    for (let i = 0; i < 40; i++) await sendEvent({ type: 'hang.request' });
    await eventually(
      () => open,
      (n) => n === 32,
      { what: '32 requests held by the slow receiver' },
    );
    const quick = await sendEvent({ type: 'quick.ping' });
    await eventually(
      () => fast.received.map((r) => (JSON.parse(r.body) as { data: { id: string } }).data.id),
      (ids) => ids.includes(quick.id),
      { what: 'the other URL served meanwhile', timeoutMs: 3000 },
    );
    await new Promise((r) => setTimeout(r, 1500)); // the other 8 come back and find the URL still full
    expect(mostOpen).toBe(32);

    // Released: every one of the 40 is delivered (the 8 waited in the queue, none dropped).
    const release = setInterval(() => held.splice(0).forEach((answer) => answer()), 50);
    try {
      await eventually(
        () => new Set(answered).size,
        (n) => n === 40,
        { what: 'all 40 delivered', timeoutMs: 10_000 },
      );
    } finally {
      clearInterval(release);
    }
  }, 30_000);
});
