import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { EventIngestedCodec, type EventIngested } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { JetStreamPublisher } from '@daalu/platform/jetstream';
import { daaluSignature } from '@daalu/outbound/domain';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  type AppProcess,
  aTenantWithApiToken,
  eventually,
  freePort,
  startReadyProcess,
  type TestDatabase,
  type TestNats,
} from '@daalu/testing';
import { closeReceivers, receiver, type Received } from './loopback-receiver';

const SCRIPT = 'apps/outbound-dispatcher/src/main.js';

/** Whether process `pid` has the TCP socket bound to local port `port` (Linux /proc). */
function ownsLocalPort(pid: number, port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set(
    readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols[1]?.endsWith(`:${hex}`))
      .map((cols) => cols[9]),
  );
  return readdirSync(`/proc/${pid}/fd`).some((fd) => {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      return inodes.has(link.replace(/^socket:\[(\d+)\]$/, '$1'));
    } catch {
      return false;
    }
  });
}

/** Deliveries end to end: a fact on the log, a matching webhook, signed POSTs to real receivers. */
describe('deliveries', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let app: AppProcess;
  let base: string;
  let publisher: JetStreamPublisher;
  let tenant: { id: string; auth: { authorization: string } };
  let env: Record<string, string>;

  async function webhook(
    url: string,
    trigger: object = { events: { type: 'deploy.*' } },
    extra: object = {},
  ): Promise<{ id: string; secret: string }> {
    const response = await fetch(`${base}/api/v1/webhooks`, {
      method: 'POST',
      headers: { ...tenant.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ url, trigger, headers: { Authorization: 'Bearer to-the-ticket-system' }, ...extra }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; secret: string };
  }

  async function send(overrides: Partial<EventIngested>): Promise<EventIngested> {
    const event = anIngestedEvent(tenant.id, { receivedAt: new Date().toISOString(), ...overrides });
    await publisher.publish(nats.subjects.event(tenant.id), EventIngestedCodec, event);
    return event;
  }

  const delivery = (webhookId: string) =>
    db
      .query<{ state: string; attempts: number }>(
        `SELECT state, attempts FROM outbound.delivery WHERE webhook_id = $1`,
        [webhookId],
      )
      .then((rows) => rows[0]);

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('outbound_deliveries'));
    publisher = new JetStreamPublisher(nats.js);
    tenant = await aTenantWithApiToken(nats);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      ...appEnv(db, nats),
      DAALU_SECRET_KEY: 'cd'.repeat(32),
      DAALU_OUTBOUND_ALLOW: '127.0.0.0/8',
      DAALU_RETRY_BASE_MS: '200',
      DAALU_RETRY_WINDOW_S: '3',
      // Short, so that a replica killed mid-attempt is taken over within seconds (3x this).
      DAALU_DELIVERY_TIMEOUT_MS: '1000',
      // A low cap so that a test can see it (50 in production).
      DAALU_OUTBOUND_RATE_PER_URL: '5',
    };
    app = await startReadyProcess(SCRIPT, { ...env, PORT: String(port) }, base);
  }, 60_000);

  afterAll(async () => {
    closeReceivers();
    await app?.stop('SIGTERM');
    await nats.cleanup();
    await db.drop();
  });

  it('POSTs a matching event, signed so openssl and a Standard Webhooks library both verify it', async () => {
    const target = await receiver([200]);
    const hook = await webhook(target.url);
    const event = await send({ type: 'deploy.started' });
    await send({ type: 'check.failed' }); // not deploy.*: no delivery
    await eventually(
      () => target.received.length,
      (n) => n === 1,
      { what: 'the delivery' },
    );
    const [{ headers, body }] = target.received;
    // The receiver of docs/product.md: printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET"
    expect(headers['x-daalu-signature']).toBe(daaluSignature(hook.secret, body));
    expect(new Webhook(hook.secret).verify(body, headers as Record<string, string>)).toMatchObject({
      type: 'event.ingested',
      data: { id: event.id, type: 'deploy.started' },
    });
    expect(headers.authorization).toBe('Bearer to-the-ticket-system');
    await eventually(
      () => delivery(hook.id),
      (d) => d?.state === 'delivered',
      { what: 'recorded as delivered' },
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(target.received).toHaveLength(1);

    // The detail page's history: the attempt with its request (custom header values masked) and response.
    const history = (await (
      await fetch(`${base}/api/v1/webhooks/${hook.id}/deliveries`, { headers: tenant.auth })
    ).json()) as {
      items: Array<{ id: string; attempts: unknown[] }>;
      lastDelivery: unknown;
    };
    expect(history.items).toHaveLength(1);
    expect(history.lastDelivery).toEqual(history.items[0]);
    const [first] = history.items;
    expect(first).toMatchObject({ state: 'delivered', factKind: 'event.ingested', factId: event.id, attemptsCount: 1 });
    expect(first.attempts[0]).toMatchObject({
      attempt: 1,
      durationMs: expect.any(Number),
      request: { headers: { Authorization: '••••••', 'X-Daalu-Signature': headers['x-daalu-signature'] }, body },
      response: { status: 200, body: 'ok' },
      error: null,
    });
    expect(JSON.stringify(history)).not.toContain('to-the-ticket-system');

    // Redeliver: sent again, with the same webhook-id.
    const again = await fetch(`${base}/api/v1/deliveries/${first.id}/redeliver`, {
      method: 'POST',
      headers: tenant.auth,
    });
    expect(again.status).toBe(202);
    await eventually(
      () => target.received.length,
      (n) => n === 2,
      { what: 'the redelivery' },
    );
    expect(target.received[1].headers['webhook-id']).toBe(headers['webhook-id']);
    await eventually(
      () => delivery(hook.id),
      (d) => d?.state === 'delivered' && d.attempts === 2,
      { what: 'two attempts' },
    );

    const other = await aTenantWithApiToken(nats);
    expect((await fetch(`${base}/api/v1/webhooks/${hook.id}/deliveries`, { headers: other.auth })).status).toBe(404);
    expect(
      (await fetch(`${base}/api/v1/deliveries/${first.id}/redeliver`, { method: 'POST', headers: other.auth })).status,
    ).toBe(404);
    await target.close();
  });

  it('retries a receiver that fails 3 times, with the same webhook-id, until it succeeds', async () => {
    const flaky = await receiver([500, 502, 503, 200]);
    const hook = await webhook(flaky.url);
    await send({ type: 'deploy.failed' });
    await eventually(
      () => delivery(hook.id),
      (d) => d?.state === 'delivered',
      { what: 'delivered at last', timeoutMs: 15_000 },
    );
    expect(flaky.received).toHaveLength(4);
    expect(new Set(flaky.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect((await delivery(hook.id)).attempts).toBe(4);
    const attempts = await db.query<{ attempt: number; status: number | null }>(
      `SELECT a.attempt, (a.response->>'status')::int AS status FROM outbound.delivery_attempt a
         JOIN outbound.delivery d USING (delivery_id) WHERE d.webhook_id = $1 ORDER BY a.attempt`,
      [hook.id],
    );
    expect(attempts.map((a) => a.status)).toEqual([500, 502, 503, 200]);
    await flaky.close();
  }, 20_000);

  it('marks a delivery failed once the retry window is over', async () => {
    const down = await receiver([503]);
    const hook = await webhook(down.url);
    await send({ type: 'deploy.started' });
    await eventually(
      () => delivery(hook.id),
      (d) => d?.state === 'failed',
      { what: 'failed after the window', timeoutMs: 15_000 },
    );
    expect(down.received.length).toBeGreaterThanOrEqual(2);
    const attempts = (await delivery(hook.id)).attempts;
    await new Promise((r) => setTimeout(r, 1000));
    expect(down.received).toHaveLength(attempts); // no attempt after it failed
    await down.close();
  }, 20_000);

  it('shares the work between two replicas: each delivery sent once; a replica killed mid-attempt is taken over, same webhook-id', async () => {
    const port = await freePort();
    const secondUrl = `http://127.0.0.1:${port}`;
    const second = await startReadyProcess(SCRIPT, { ...env, PORT: String(port) }, secondUrl);
    const target = await receiver([200]);
    await webhook(target.url, { events: { type: 'job.*' } });
    for (let i = 0; i < 20; i++) await send({ type: 'job.finished', summary: `job ${i}` });
    await eventually(
      () => target.received.length,
      (n) => n >= 20,
      { what: 'twenty deliveries' },
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(target.received).toHaveLength(20);
    expect(new Set(target.received.map((r) => r.headers['webhook-id'])).size).toBe(20);

    // A receiver that holds the first request: whichever replica sends it is killed while it waits.
    let held = 0;
    const slow = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        slowReceived.push({ headers: req.headers, body });
        slowPorts.push(req.socket.remotePort!);
        if (held++ === 0) return; // never answered
        res.writeHead(200).end('ok');
      });
    });
    const slowReceived: Array<Pick<Received, 'headers' | 'body'>> = [];
    const slowPorts: number[] = [];
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const slowHook = await webhook(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/hook`, {
      events: { type: 'backup.*' },
    });
    await send({ type: 'backup.started' });
    await eventually(
      () => slowReceived.length,
      (n) => n === 1,
      { what: 'the first attempt, held' },
    );
    // Kill the replica that sent it (the one whose socket has the request's source port); the other
    // one takes the unacknowledged delivery over once its ack wait has passed.
    const holder = [app, second].find((replica) => ownsLocalPort(replica.child.pid!, slowPorts[0]));
    expect(holder).toBeDefined();
    const survivor = holder === app ? second : app;
    await holder!.stop('SIGKILL');
    await eventually(
      () => delivery(slowHook.id),
      (d) => d?.state === 'delivered',
      {
        what: 'taken over by the other replica and delivered',
        timeoutMs: 15_000,
      },
    );
    expect(survivor.child.exitCode).toBeNull();
    if (holder === app) {
      app = survivor; // the suite goes on with the one left
      base = secondUrl;
    }
    expect(slowReceived.length).toBeGreaterThanOrEqual(2);
    expect(new Set(slowReceived.map((r) => r.headers['webhook-id'])).size).toBe(1);
    await new Promise<void>((resolve) => slow.close(() => resolve()));
    await target.close();
  }, 40_000);

  it('holds the per-URL rate across two replicas: excess waits, nothing is dropped', async () => {
    const port = await freePort();
    const second = await startReadyProcess(SCRIPT, { ...env, PORT: String(port) }, `http://127.0.0.1:${port}`);
    const arrivals: number[] = [];
    const target = await receiver([200]);
    const capped = await webhook(target.url, { events: { type: 'burst.*' } });
    const count = 30;
    for (let i = 0; i < count; i++) await send({ type: 'burst.event', summary: `burst ${i}` });
    await eventually(
      () => target.received.length,
      (n) => n === count,
      { what: 'every delivery, in time', timeoutMs: 20_000 },
    );
    for (const { headers } of target.received) arrivals.push(Number(headers['webhook-timestamp']) * 1000);
    const spanMs = Math.max(...arrivals) - Math.min(...arrivals);
    // 5/s with a burst of 5 on each of the two replicas: 30 deliveries take at least (30 - 10) / 5 = 4 s.
    expect(spanMs).toBeGreaterThanOrEqual(3000);
    // The last attempt is recorded just after its receiver answered: a moment later, every one is.
    await eventually(
      () =>
        db
          .query<{ n: string }>(
            `SELECT count(*) AS n FROM outbound.delivery WHERE webhook_id = $1 AND state = 'delivered'`,
            [capped.id],
          )
          .then((rows) => Number(rows[0].n)),
      (n) => n === count,
      { what: 'every delivery recorded as delivered', timeoutMs: 5_000 },
    );
    await second.stop('SIGTERM');
    await target.close();
  }, 40_000);
  it('batch mode: up to maxEvents facts per POST as a JSON array, the rest after maxSeconds; past the per-URL cap in events/s', async () => {
    const warehouse = await receiver([200]);
    const hook = await webhook(
      warehouse.url,
      { events: { type: 'mirror.*' } },
      { batch: { maxEvents: 50, maxSeconds: 1 } },
    );
    const started = Date.now();
    const events: EventIngested[] = [];
    for (let i = 0; i < 103; i++) events.push(await send({ type: 'mirror.row', payload: { row: i } }));
    await eventually(
      () => warehouse.received.length,
      (n) => n === 3,
      { what: 'three batches', timeoutMs: 10_000 },
    );
    // 103 events in 3 POSTs: at a cap of 5 POSTs/s per URL that is far more than 5 events/s.
    const elapsedS = (Date.now() - started) / 1000;
    expect(103 / elapsedS).toBeGreaterThan(5 * 3);

    // Batches are deliveries like any other: sent concurrently, so in any order; inside one, log order.
    const position = new Map(events.map((e, n) => [e.id, n]));
    const bodies = warehouse.received
      .map((r) => JSON.parse(r.body) as Array<{ id: string; type: string; data: EventIngested }>)
      .sort((a, b) => position.get(a[0].data.id)! - position.get(b[0].data.id)!);
    expect(bodies.map((b) => b.length)).toEqual([50, 50, 3]);
    // Log order, each fact once, each with the id its own delivery would have had.
    expect(bodies.flat().map((item) => item.data.id)).toEqual(events.map((e) => e.id));
    expect(new Set(bodies.flat().map((item) => item.id)).size).toBe(103);
    expect(bodies[0][0]).toMatchObject({ type: 'event.ingested', tenantId: tenant.id });
    for (const { headers, body } of warehouse.received) {
      expect(headers['x-daalu-signature']).toBe(daaluSignature(hook.secret, body));
      expect(() => new Webhook(hook.secret).verify(body, headers as Record<string, string>)).not.toThrow();
    }
    expect(new Set(warehouse.received.map((r) => r.headers['webhook-id'])).size).toBe(3);

    // In the history as three deliveries of kind delivery.batch; nothing left waiting.
    await eventually(
      () =>
        db.query<{ fact_kind: string; state: string }>(
          `SELECT fact_kind, state FROM outbound.delivery WHERE webhook_id = $1`,
          [hook.id],
        ),
      (rows) => rows.length === 3 && rows.every((r) => r.fact_kind === 'delivery.batch' && r.state === 'delivered'),
      { what: 'three batch deliveries recorded' },
    );
    const [{ open }] = await db.query<{ open: number }>(
      `SELECT count(*)::int AS open FROM outbound.batch_item WHERE webhook_id = $1 AND batch_id IS NULL`,
      [hook.id],
    );
    expect(open).toBe(0);

    // A batch redelivered: the same facts again, under the same webhook-id.
    const [firstBatch] = await db.query<{ delivery_id: string }>(
      `SELECT delivery_id FROM outbound.delivery WHERE webhook_id = $1 ORDER BY created_at LIMIT 1`,
      [hook.id],
    );
    const again = await fetch(`${base}/api/v1/deliveries/${firstBatch.delivery_id}/redeliver`, {
      method: 'POST',
      headers: tenant.auth,
    });
    expect(again.status).toBe(202);
    await eventually(
      () => warehouse.received.length,
      (n) => n === 4,
      { what: 'the batch redelivered' },
    );
    const resent = warehouse.received[3];
    expect(resent.headers['webhook-id']).toBe(firstBatch.delivery_id);
    const original = warehouse.received.find((r) => r.headers['webhook-id'] === firstBatch.delivery_id)!;
    expect(resent.body).toBe(original.body);
    await warehouse.close();
  }, 20_000);
});
