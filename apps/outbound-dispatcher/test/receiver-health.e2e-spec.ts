import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventIngestedCodec, type EventIngested } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import type { JetStreamPublisher } from '@daalu/platform/jetstream';
import { eventually, type TestNats } from '@daalu/testing';
import { startDispatcher, type DispatcherUnderTest } from './dispatcher-under-test';
import { receiver, track } from './loopback-receiver';

interface Health {
  state: 'healthy' | 'failing' | 'disabled';
  consecutiveFailures: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
  disabledReason: string | null;
  successRate1h: number | null;
  successRate24h: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
}

interface HistoryItem {
  id: string;
  state: string;
  factType: string;
  factId: string;
  summary: string | null;
  createdAt: string;
}

/** A receiver whose answer the test changes as it goes (a receiver that breaks, then comes back). */
async function switchableReceiver(initial: number) {
  const state = { status: initial, delayMs: 0 };
  const received: Array<{ headers: IncomingMessage['headers']; body: string; at: number }> = [];
  const server = track(
    createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body, at: Date.now() });
        const answer = () => res.writeHead(state.status).end('answer');
        if (state.delayMs > 0) setTimeout(answer, state.delayMs);
        else answer();
      });
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, state };
}

/** A receiver that answers 200 after the delay `delayOf` gives for each body (ms). */
async function receiverAnswering(delayOf: (body: string) => number) {
  let answered = 0;
  const server = track(
    createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        setTimeout(() => {
          answered++;
          res.writeHead(200).end('ok');
        }, delayOf(body));
      });
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, answered: () => answered };
}

/**
 * Receiver health and delivery operations on the real dispatcher: health per webhook, notify then
 * disable (a failing receiver, a 410), skipped deliveries, recovery in bulk, the history's filters
 * and cursor, and a webhook's own delivery settings.
 */
describe('receiver health and delivery operations', () => {
  let dispatcher: DispatcherUnderTest;
  let nats: TestNats;
  let base: string;
  let publisher: JetStreamPublisher;
  let tenant: { id: string; auth: { authorization: string } };

  const json = { 'content-type': 'application/json' };

  async function createWebhook(body: object): Promise<{ id: string }> {
    const response = await fetch(`${base}/api/v1/webhooks`, {
      method: 'POST',
      headers: { ...tenant.auth, ...json },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string };
  }

  async function getWebhook(id: string) {
    const response = await fetch(`${base}/api/v1/webhooks/${id}`, { headers: tenant.auth });
    expect(response.status).toBe(200);
    return (await response.json()) as {
      enabled: boolean;
      disabledReason?: string;
      health: Health;
      version: number;
    } & Record<string, unknown>;
  }

  async function send(overrides: Partial<EventIngested>): Promise<EventIngested> {
    const event = anIngestedEvent(tenant.id, { receivedAt: new Date().toISOString(), ...overrides });
    await publisher.publish(nats.subjects.event(tenant.id), EventIngestedCodec, event);
    return event;
  }

  async function history(id: string, query = '') {
    const response = await fetch(`${base}/api/v1/webhooks/${id}/deliveries${query}`, { headers: tenant.auth });
    return {
      status: response.status,
      body: (await response.json()) as { items: HistoryItem[]; nextCursor: string | null } & Record<string, unknown>,
    };
  }

  /** The health notifications a watcher webhook received, by type. */
  const notices = (target: { received: Array<{ body: string }> }) =>
    target.received.map(
      (r) =>
        JSON.parse(r.body) as { type: string; data: { type: string; payload: { webhookId: string; state: string } } },
    );

  beforeAll(async () => {
    dispatcher = await startDispatcher('outbound_health', {
      DAALU_SECRET_KEY: 'cd'.repeat(32),
      DAALU_RETRY_BASE_MS: '200',
      DAALU_RETRY_WINDOW_S: '1',
      DAALU_DELIVERY_TIMEOUT_MS: '2000',
      // Shortened from five days: a webhook failing for 4 s without a success is disabled.
      DAALU_DISABLE_AFTER_S: '4',
    });
    ({ nats, base, publisher, tenant } = dispatcher);
  }, 60_000);

  afterAll(() => dispatcher?.stop());

  it('tells failing and recovered on the timeline, where another webhook and its health see it', async () => {
    const watcher = await receiver([200]);
    await createWebhook({ url: watcher.url, trigger: { events: { type: 'daalu.webhook.*' } } });
    const target = await switchableReceiver(503);
    const hook = await createWebhook({
      url: target.url,
      description: 'flaky',
      trigger: { events: { type: 'build.*' } },
    });
    expect((await getWebhook(hook.id)).health).toMatchObject({
      state: 'healthy',
      consecutiveFailures: 0,
      lastSuccessAt: null,
    });

    await send({ type: 'build.finished' });
    // Its retry window (1 s) over, the delivery is failed: the webhook is failing, and the log says so.
    const failing = await eventually(
      () => getWebhook(hook.id),
      (w) => w.health.state === 'failing',
      { what: 'health failing' },
    );
    expect(failing.health.consecutiveFailures).toBeGreaterThanOrEqual(2);
    expect(failing.health.lastError).toBe('HTTP 503');
    expect(failing.health.lastFailureAt).not.toBeNull();
    expect(failing.health.successRate1h).toBe(0);
    const told = await eventually(
      () => notices(watcher),
      (n) => n.some((x) => x.data.type === 'daalu.webhook.failing'),
      { what: 'the failing event delivered to the watcher' },
    );
    expect(told.find((x) => x.data.type === 'daalu.webhook.failing')).toMatchObject({
      type: 'event.ingested',
      data: {
        type: 'daalu.webhook.failing',
        source: 'daalu',
        severity: 'warning',
        payload: { webhookId: hook.id, state: 'failing' },
      },
    });

    // The receiver comes back: the next delivery succeeds, and the webhook is healthy again.
    target.state.status = 200;
    await send({ type: 'build.finished' });
    const healthy = await eventually(
      () => getWebhook(hook.id),
      (w) => w.health.state === 'healthy',
      { what: 'health healthy again' },
    );
    expect(healthy.health.consecutiveFailures).toBe(0);
    expect(healthy.health.lastSuccessAt).not.toBeNull();
    expect(healthy.health.successRate1h).toBeGreaterThan(0);
    expect(healthy.health.successRate1h).toBeLessThan(1);
    expect(healthy.health.p50Ms).not.toBeNull();
    await eventually(
      () => notices(watcher),
      (n) => n.some((x) => x.data.type === 'daalu.webhook.recovered' && x.data.payload.webhookId === hook.id),
      { what: 'the recovered event' },
    );
    // Exactly one of each: a change is told once.
    const mine = notices(watcher).filter((x) => x.data.payload.webhookId === hook.id);
    expect(mine.map((x) => x.data.type)).toEqual(['daalu.webhook.failing', 'daalu.webhook.recovered']);

    // The list shows the same health.
    const list = (await (await fetch(`${base}/api/v1/webhooks`, { headers: tenant.auth })).json()) as {
      items: Array<{ id: string; health: Health }>;
    };
    expect(list.items.find((w) => w.id === hook.id)!.health.state).toBe('healthy');
  }, 60_000);

  it('disables a webhook failing for DAALU_DISABLE_AFTER_S, keeps its deliveries as skipped, and recovers them once', async () => {
    const target = await switchableReceiver(500);
    const hook = await createWebhook({ url: target.url, trigger: { events: { type: 'job.*' } } });
    // Failures spanning more than 4 s without a success.
    const sent: EventIngested[] = [];
    for (let i = 0; i < 6; i++) {
      sent.push(await send({ type: 'job.failed', summary: `job ${i}` }));
      await new Promise((r) => setTimeout(r, 1000));
    }
    const disabled = await eventually(
      () => getWebhook(hook.id),
      (w) => !w.enabled,
      { what: 'auto-disabled', timeoutMs: 20_000 },
    );
    expect(disabled.disabledReason).toMatch(/^every delivery failed for 4 seconds/);
    expect(disabled.health).toMatchObject({ state: 'disabled', disabledReason: disabled.disabledReason });

    // While disabled: nothing is sent, every delivery is kept as skipped.
    const before = target.received.length;
    const skippedEvents = [
      await send({ type: 'job.failed', summary: 'while disabled' }),
      await send({ type: 'job.done' }),
    ];
    const skipped = await eventually(
      () => history(hook.id, '?status=skipped'),
      (h) => skippedEvents.every((e) => h.body.items.some((i) => i.factId === e.id)),
      { what: 'the deliveries made while disabled, skipped' },
    );
    expect(skipped.body.items.length).toBeGreaterThanOrEqual(2);
    expect(target.received.length).toBe(before);

    // Recovering a disabled webhook is refused: it would skip them again.
    const refused = await fetch(`${base}/api/v1/webhooks/${hook.id}/recover`, {
      method: 'POST',
      headers: { ...tenant.auth, ...json },
      body: JSON.stringify({ since: new Date(Date.now() - 3_600_000).toISOString() }),
    });
    expect(refused.status).toBe(409);

    // Its owner fixes the receiver and enables it again: healthy, the reason gone.
    target.state.status = 200;
    const current = await getWebhook(hook.id);
    const put = await fetch(`${base}/api/v1/webhooks/${hook.id}`, {
      method: 'PUT',
      headers: { ...tenant.auth, ...json },
      body: JSON.stringify({ url: target.url, trigger: { events: { type: 'job.*' } }, enabled: true }),
    });
    expect(put.status).toBe(200);
    const enabled = (await put.json()) as {
      enabled: boolean;
      disabledReason?: string;
      health: Health;
      version: number;
    };
    expect(enabled).toMatchObject({ enabled: true, health: { state: 'healthy', consecutiveFailures: 0 } });
    expect(enabled.disabledReason).toBeUndefined();
    expect(enabled.version).toBe(current.version + 1);

    // Recover everything failed or skipped: each sent once, with its original webhook-id.
    const failedOrSkipped = (await history(hook.id, '?status=failed,skipped')).body.items;
    expect(failedOrSkipped).toHaveLength(8);
    const receivedBefore = target.received.length;
    const recover = () =>
      fetch(`${base}/api/v1/webhooks/${hook.id}/recover`, {
        method: 'POST',
        headers: { ...tenant.auth, ...json },
        body: JSON.stringify({ since: new Date(Date.now() - 3_600_000).toISOString(), status: ['failed', 'skipped'] }),
      });
    const [first, second] = await Promise.all([recover(), recover()]);
    expect([first.status, second.status]).toEqual([202, 202]);
    const started = [
      (await first.json()) as { id: string; total: number; more: boolean },
      (await second.json()) as { id: string; total: number; more: boolean },
    ];
    // Asked twice at once, each delivery is claimed by one of them.
    expect(started[0].total + started[1].total).toBe(8);
    expect(started.every((s) => s.more === false)).toBe(true);
    await eventually(
      () => target.received.length - receivedBefore,
      (n) => n >= 8,
      { what: 'the recovered deliveries' },
    );
    await new Promise((r) => setTimeout(r, 1500)); // nothing more arrives
    const ids = target.received.slice(receivedBefore).map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(8);
    expect(new Set(ids)).toEqual(new Set(failedOrSkipped.map((i) => i.id)));
    const main = started.find((s) => s.total > 0)!;
    const progress = await eventually(
      async () =>
        (await (
          await fetch(`${base}/api/v1/webhooks/${hook.id}/recoveries/${main.id}`, { headers: tenant.auth })
        ).json()) as {
          state: string;
          total: number;
          requested: number;
          done: number;
          failed: number;
          pending: number;
        },
      (p) => p.state === 'done',
      { what: 'the recovery done' },
    );
    expect(progress).toMatchObject({
      total: main.total,
      requested: main.total,
      done: main.total,
      failed: 0,
      pending: 0,
    });
    // Asked again afterwards: nothing left to recover.
    const again = (await (await recover()).json()) as { total: number };
    expect(again.total).toBe(0);
    expect((await history(hook.id, '?status=delivered')).body.items).toHaveLength(8);
  }, 90_000);

  it('disables a webhook at once when its receiver answers 410 Gone, without retrying', async () => {
    const target = await receiver([410]);
    const hook = await createWebhook({ url: target.url, trigger: { events: { type: 'gone.*' } } });
    await send({ type: 'gone.test' });
    const disabled = await eventually(
      () => getWebhook(hook.id),
      (w) => !w.enabled,
      { what: 'disabled by the 410' },
    );
    expect(disabled.disabledReason).toBe('the receiver answered 410 Gone');
    expect(disabled.health.state).toBe('disabled');
    expect(target.received).toHaveLength(1);
    const [only] = (await history(hook.id)).body.items;
    expect(only).toMatchObject({ state: 'failed' });
  }, 30_000);

  it('filters the history by status, type, time and event, and pages it with a keyset cursor', async () => {
    const target = await receiver([200]);
    const hook = await createWebhook({ url: target.url, trigger: { events: {} } });
    const events: EventIngested[] = [];
    // One at a time: each delivery is requested (its creation time) after the one before, so the
    // history's order (newest first) is the order sent; facts fanned out together may share a millisecond.
    for (let i = 0; i < 7; i++) {
      events.push(await send({ type: i % 2 === 0 ? 'deploy.finished' : 'check.passed', summary: `number ${i}` }));
      await eventually(
        () => history(hook.id),
        (h) => h.body.items.length === i + 1,
        { what: `delivery ${i} requested` },
      );
      await new Promise((r) => setTimeout(r, 5));
    }
    await eventually(
      () => history(hook.id),
      (h) => h.body.items.length === 7 && h.body.items.every((i) => i.state === 'delivered'),
      { what: 'seven delivered' },
    );
    const all = (await history(hook.id)).body.items;
    expect(all.map((i) => i.summary)).toEqual(events.map((e) => e.summary).reverse());
    expect(all[0]).toMatchObject({ factType: 'deploy.finished', factId: events[6].id });

    const deploys = (await history(hook.id, '?type=deploy.*')).body.items;
    expect(deploys.map((i) => i.factId)).toEqual([6, 4, 2, 0].map((i) => events[i].id));
    expect((await history(hook.id, `?eventId=${events[3].id}`)).body.items.map((i) => i.factId)).toEqual([
      events[3].id,
    ]);
    expect((await history(hook.id, '?status=failed')).body.items).toEqual([]);
    const middle = (await history(hook.id, `?since=${all[5].createdAt}&until=${all[1].createdAt}`)).body.items;
    expect(middle.map((i) => i.id)).toEqual(all.slice(2, 6).map((i) => i.id));

    // Pages of 3: every delivery once, in order, then no cursor.
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await history(hook.id, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(all.map((i) => i.id));

    // Bad parameters: 400 naming each.
    const bad = await history(
      hook.id,
      '?status=lost&limit=0&since=2026-02-30&type=*a*b*c*d*e*f*g*h*i&cursor=nope&eventId=7',
    );
    expect(bad.status).toBe(400);
    const fields = (bad.body as unknown as { errors: Array<{ field: string }> }).errors.map((e) => e.field).sort();
    expect(fields).toEqual(['cursor', 'eventId', 'limit', 'since', 'status', 'type']);

    // The chart: this hour's attempts (health is folded in once a second).
    const stats = await eventually(
      async () =>
        (await (await fetch(`${base}/api/v1/webhooks/${hook.id}/stats`, { headers: tenant.auth })).json()) as {
          bucketMinutes: number;
          buckets: Array<{ delivered: number; failed: number }>;
        },
      (s) => s.buckets.reduce((sum, b) => sum + b.delivered, 0) === 7,
      { what: 'seven delivered attempts in the chart' },
    );
    expect(stats.bucketMinutes).toBe(60);
    expect(stats.buckets.reduce((sum, b) => sum + b.failed, 0)).toBe(0);
  }, 30_000);

  it('charts latency per hour from the answered attempts: p50 and p99 as upper bounds of their latency slot', async () => {
    // Every attempt of this test in one hour's bucket: when the hour is about to turn, wait for it.
    const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
    if (toNextHour < 60_000) await new Promise((r) => setTimeout(r, toNextHour + 1000));
    // The receiver answers at once, but 300 ms late to the 2 events in 100 whose summary says slow.
    const server = await receiverAnswering((body) =>
      (JSON.parse(body) as { data: { summary: string } }).data.summary.startsWith('slow') ? 300 : 0,
    );
    const hook = await createWebhook({ url: server.url, trigger: { events: { type: 'latency.*' } } });
    // One at a time: a hundred at once would queue in the dispatcher and on two cores, and the
    // durations it measures would be that queue's (hundreds of ms), not the receiver's.
    for (let i = 0; i < 100; i++) {
      await send({ type: 'latency.probe', summary: i % 50 === 7 ? `slow probe ${i}` : `probe ${i}` });
      await eventually(
        () => server.answered(),
        (n) => n === i + 1,
        { what: `probe ${i} answered`, intervalMs: 5 },
      );
    }
    type Stats = {
      bucketMinutes: number;
      buckets: Array<{ at: string; delivered: number; failed: number; p50Ms: number | null; p99Ms: number | null }>;
    };
    const stats = await eventually(
      async () =>
        (await (await fetch(`${base}/api/v1/webhooks/${hook.id}/stats`, { headers: tenant.auth })).json()) as Stats,
      (s) => s.buckets.reduce((sum, b) => sum + b.delivered, 0) === 100,
      { what: 'a hundred delivered attempts in the chart', timeoutMs: 30_000 },
    );
    expect(server.answered()).toBe(100);
    expect(stats.buckets).toHaveLength(1);
    const [bucket] = stats.buckets;
    expect(Date.parse(bucket.at) % 3_600_000).toBe(0);
    expect(bucket).toMatchObject({ delivered: 100, failed: 0, p99Ms: 500 });
    // Answered at once on loopback: a few ms, well under the slow ones' slot (250–500 ms).
    expect(bucket.p50Ms).not.toBeNull();
    expect(bucket.p50Ms!).toBeLessThanOrEqual(100);
  }, 120_000);

  it('keeps a webhook’s own rate and timeout, within the platform’s caps', async () => {
    const slow = await switchableReceiver(200);
    slow.state.delayMs = 5000;
    const hook = await createWebhook({
      url: slow.url,
      trigger: { events: { type: 'tick.*' } },
      delivery: { ratePerSecond: 2, timeoutMs: 1000, retryWindowS: 1 },
    });
    expect((await getWebhook(hook.id)).delivery).toEqual({ ratePerSecond: 2, timeoutMs: 1000, retryWindowS: 1 });
    await send({ type: 'tick.once' });
    const [failed] = await eventually(
      async () =>
        (await history(hook.id)).body.items as Array<
          HistoryItem & { attempts: Array<{ error: string | null; durationMs: number }> }
        >,
      (items) => items[0]?.state === 'failed',
      { what: 'failed on its own timeout' },
    );
    // Its own 1 s, not the platform's 2 s (the HTTP client's timers are coarse: a few hundred ms late).
    expect(failed.attempts[0].error).toMatch(/timeout/);
    expect(failed.attempts[0].durationMs).toBeLessThan(1900);

    // The rate: 6 deliveries at 2/s take over 2 s.
    slow.state.delayMs = 0;
    const before = slow.received.length;
    for (let i = 0; i < 6; i++) await send({ type: 'tick.rate' });
    await eventually(
      () => slow.received.length - before,
      (n) => n >= 6,
      { what: 'six deliveries', timeoutMs: 20_000 },
    );
    const times = slow.received.slice(before).map((r) => r.at);
    expect(times[5] - times[0]).toBeGreaterThanOrEqual(1800);

    // The timeouts are failed attempts in the chart, but not latency: the answered attempts' p99 is theirs.
    const stats = await eventually(
      async () =>
        (await (await fetch(`${base}/api/v1/webhooks/${hook.id}/stats`, { headers: tenant.auth })).json()) as {
          buckets: Array<{ delivered: number; failed: number; p50Ms: number | null; p99Ms: number | null }>;
        },
      (s) => s.buckets.reduce((sum, b) => sum + b.delivered, 0) === 6,
      { what: 'the six delivered attempts in the chart' },
    );
    expect(stats.buckets.reduce((sum, b) => sum + b.failed, 0)).toBeGreaterThanOrEqual(1);
    for (const bucket of stats.buckets) {
      // A bucket of timeouts alone (the hour turned between them) has no latency at all.
      if (bucket.delivered === 0) expect([bucket.p50Ms, bucket.p99Ms]).toEqual([null, null]);
      else expect(bucket.p99Ms!).toBeLessThan(1000);
    }

    // Over the caps: 400 naming the field.
    const response = await fetch(`${base}/api/v1/webhooks`, {
      method: 'POST',
      headers: { ...tenant.auth, ...json },
      body: JSON.stringify({
        url: slow.url,
        trigger: { events: {} },
        delivery: { ratePerSecond: 51, retryWindowS: 7200 },
      }),
    });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: Array<{ field: string }> };
    expect(problem.errors.map((e) => e.field).sort()).toEqual(['delivery.ratePerSecond', 'delivery.retryWindowS']);
  }, 40_000);

  it('refuses a recovery with a bad since or status, naming the field', async () => {
    const target = await receiver([200]);
    const hook = await createWebhook({ url: target.url, trigger: { events: {} } });
    for (const [body, field] of [
      [{ since: 'yesterday' }, 'since'],
      [{ since: '2026-01-01T00:00:00Z', status: ['delivered'] }, 'status'],
      [{}, 'since'],
    ] as const) {
      const response = await fetch(`${base}/api/v1/webhooks/${hook.id}/recover`, {
        method: 'POST',
        headers: { ...tenant.auth, ...json },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      const problem = (await response.json()) as { errors: Array<{ field: string }> };
      expect(problem.errors.map((e) => e.field)).toContain(field);
    }
  });
});
