import { EventIngestedCodec, type EventIngested } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { JetStreamPublisher } from '@daalu/platform/jetstream';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import { deliveryIdOf } from '@daalu/outbound/domain';
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
/** What the history keeps of a request body (UTF-16 units). */
const KEPT_BODY = 16_384;

type Tenant = { id: string; auth: { authorization: string } };

/**
 * What every delivery can be sent and recorded: headers checked when saved, bodies bounded, and
 * whatever a fact or a receiver holds recorded once (never a delivery resent because its record failed).
 */
describe('delivery limits', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let app: AppProcess;
  let base: string;
  let publisher: JetStreamPublisher;
  const tenants: Record<'a' | 'b', Tenant> = {} as Record<'a' | 'b', Tenant>;

  async function create(tenant: Tenant, body: object) {
    const response = await fetch(`${base}/api/v1/webhooks`, {
      method: 'POST',
      headers: { ...tenant.auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as { id: string; errors?: Array<{ field: string; message: string }> },
    };
  }

  async function webhook(tenant: Tenant, body: object): Promise<{ id: string }> {
    const created = await create(tenant, body);
    expect(created.status).toBe(201);
    return created.body;
  }

  async function publish(event: EventIngested): Promise<void> {
    await publisher.publish(nats.subjects.event(event.tenantId), EventIngestedCodec, event);
  }

  const deliveries = (webhookId: string) =>
    db.query<{ delivery_id: string; state: string; attempts: number }>(
      `SELECT delivery_id, state, attempts FROM outbound.delivery WHERE webhook_id = $1`,
      [webhookId],
    );

  const attempts = (webhookId: string) =>
    db.query<{ error: string | null; body: string; response: { body: string; headers: Record<string, string> } }>(
      `SELECT a.error, a.request->>'body' AS body, a.response FROM outbound.delivery_attempt a
         JOIN outbound.delivery d USING (delivery_id) WHERE d.webhook_id = $1 ORDER BY a.attempt`,
      [webhookId],
    );

  const webhookIds = (received: Received[]) => received.map((r) => String(r.headers['webhook-id']));
  const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('outbound_limits'));
    publisher = new JetStreamPublisher(nats.js);
    tenants.a = await aTenantWithApiToken(nats);
    tenants.b = await aTenantWithApiToken(nats);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await startReadyProcess(
      SCRIPT,
      {
        ...appEnv(db, nats),
        PORT: String(port),
        DAALU_SECRET_KEY: '12'.repeat(32),
        DAALU_OUTBOUND_ALLOW: '127.0.0.0/8',
        DAALU_RETRY_BASE_MS: '200',
        DAALU_RETRY_WINDOW_S: '30',
      },
      base,
    );
  }, 60_000);

  afterAll(async () => {
    closeReceivers();
    await app?.stop('SIGTERM');
    await nats?.cleanup();
    await db?.drop();
  });

  const hook = { url: 'http://127.0.0.1:9/hook', trigger: { events: {} } };

  it.each([
    ['Host', 'example.com'],
    ['Content-Length', '10'],
    ['transfer-encoding', 'chunked'],
    ['Connection', 'close'],
    ['Expect', '100-continue'],
    ['Upgrade', 'websocket'],
    ['Keep-Alive', 'timeout=5'],
    ['TE', 'trailers'],
    ['Proxy-Authorization', 'Basic eDp5'],
    ['Content-Type', 'text/plain'],
    ['X-Daalu-Signature', 'forged'],
    ['webhook-id', 'forged'],
    ['Webhook-Timestamp', '1'],
    ['webhook-signature', 'v1,forged'],
    ['X-Control', 'a\u0001b'],
    ['X-Del', 'a\u007fb'],
    ['X-Nul', 'a\u0000b'],
    ['X-Line', 'a\r\nX-Injected: 1'],
    ['X-Latin-1', 'café'],
    ['X-Emoji', 'ok 🚀'],
    ['Bad Name', 'x'],
  ])('refuses the custom header %s: %j, naming it (400)', async (name, value) => {
    const refused = await create(tenants.a, { ...hook, headers: { Authorization: 'Bearer ok', [name]: value } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: `headers.${name}`, message: expect.any(String) }]);
  });

  it('refuses a 9-star trigger glob, an oversized template and unstorable text, naming each field', async () => {
    const glob = await create(tenants.a, { ...hook, trigger: { events: { type: '*a*a*a*a*a*a*a*a*b' } } });
    expect(glob.status).toBe(400);
    expect(glob.body.errors).toEqual([{ field: 'trigger.events.type', message: expect.stringMatching(/at most 8/) }]);
    const eight = await create(tenants.a, { ...hook, trigger: { events: { type: '*a*a*a*a*a*a*a*b' } } });
    expect(eight.status).toBe(201);

    const placeholders = await create(tenants.a, { ...hook, template: { fields: { t: '{{summary}}'.repeat(501) } } });
    expect(placeholders.status).toBe(400);
    expect(placeholders.body.errors).toEqual([
      { field: 'template.fields', message: expect.stringMatching(/at most 500/) },
    ]);
    const big = await create(tenants.a, { ...hook, template: { fields: { t: 'x'.repeat(20_001) } } });
    expect(big.body.errors).toEqual([{ field: 'template.fields', message: expect.stringMatching(/20,000/) }]);

    for (const [body, field] of [
      [{ ...hook, description: 'a\u0000b' }, 'description'],
      [{ ...hook, template: { fields: { title: 'x\ud800' } } }, 'template.fields.title'],
    ] as const) {
      const refused = await create(tenants.a, body);
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.map((e) => e.field)).toEqual([field]);
    }
  });

  it('fails a delivery whose template renders over 1 MiB after one attempt, sending nothing', async () => {
    const target = await receiver();
    const created = await webhook(tenants.a, {
      url: target.url,
      trigger: { events: { type: 'huge.*' } },
      // 20 copies of a 100 KB payload: about 2 MB, were it rendered.
      template: { fields: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`copy${i}`, '{{payload}}'])) },
    });
    await publish(anIngestedEvent(tenants.a.id, { type: 'huge.event', payload: { blob: 'x'.repeat(100_000) } }));
    await eventually(
      () => deliveries(created.id),
      (rows) => rows[0]?.state === 'failed',
      { what: 'the delivery failed' },
    );
    await settle(1500); // a retry would come within this (the first backoff is 100-200 ms)
    expect(await deliveries(created.id)).toEqual([expect.objectContaining({ state: 'failed', attempts: 1 })]);
    expect((await attempts(created.id)).map((a) => a.error)).toEqual(['rendered body is over 1 MiB']);
    expect(target.received).toHaveLength(0);

    const history = await fetch(`${base}/api/v1/webhooks/${created.id}/deliveries`, { headers: tenants.a.auth });
    const { items } = (await history.json()) as {
      items: Array<{ state: string; attempts: Array<{ error: string; response: unknown }> }>;
    };
    expect(items).toEqual([
      expect.objectContaining({
        state: 'failed',
        attempts: [expect.objectContaining({ error: 'rendered body is over 1 MiB', response: null })],
      }),
    ]);
  });

  it('records a receiver answering with a NUL byte: delivered, the webhook-id arriving once', async () => {
    const target = await receiver([
      {
        status: 200,
        headers: { 'X-Latin': Buffer.from('caf\xe9', 'latin1').toString('latin1') },
        body: Buffer.from([0x6f, 0x6b, 0x00, 0x20, 0xff, 0xfe]),
      },
    ]);
    const created = await webhook(tenants.a, { url: target.url, trigger: { events: { type: 'nul.*' } } });
    await publish(anIngestedEvent(tenants.a.id, { type: 'nul.reply' }));
    await eventually(
      () => deliveries(created.id),
      (rows) => rows[0]?.state === 'delivered',
      { what: 'recorded as delivered' },
    );
    await settle(2000);
    expect(target.received).toHaveLength(1);
    expect(await deliveries(created.id)).toEqual([expect.objectContaining({ state: 'delivered', attempts: 1 })]);
    const [attempt] = await attempts(created.id);
    expect(attempt.response.body).toBe('ok\ufffd \ufffd\ufffd');
    expect(attempt.response.headers['x-latin']).toBe('café');
  });

  it('delivers once and records an emoji across the kept-body cut and a NUL in a fact; another tenant’s delivery of the same moment once', async () => {
    const [emojiTarget, nulTarget, otherTarget] = [await receiver(), await receiver(), await receiver()];
    const emojiHook = await webhook(tenants.a, { url: emojiTarget.url, trigger: { events: { type: 'emoji.*' } } });
    const nulHook = await webhook(tenants.a, { url: nulTarget.url, trigger: { events: { type: 'nulfact.*' } } });
    const otherHook = await webhook(tenants.b, { url: otherTarget.url, trigger: { events: { type: 'other.*' } } });

    // The summary last, after a padded payload, so that its emoji falls across the history's cut at
    // 16,384 UTF-16 units of the default body `{"id","type","tenantId","data": <the event>}`.
    const shaped = (pad: number, summary: string): EventIngested => {
      const { summary: _, ...event } = anIngestedEvent(tenants.a.id, {
        type: 'emoji.cut',
        payload: { pad: 'p'.repeat(pad) },
      });
      return { ...event, summary } as EventIngested;
    };
    const bodyOf = (event: EventIngested) =>
      JSON.stringify({
        id: deliveryIdOf(emojiHook.id, event.id),
        type: event.kind,
        tenantId: event.tenantId,
        data: event,
      });
    const probe = shaped(0, 'S');
    const summaryAt = bodyOf(probe).indexOf('"summary":"S"') + '"summary":"'.length;
    const pad = KEPT_BODY - 1 - 500 - summaryAt;
    const emoji = { ...shaped(pad, `${'y'.repeat(500)}🚀 and more`), id: probe.id } as EventIngested;
    const body = bodyOf(emoji);
    expect(body.slice(KEPT_BODY - 1, KEPT_BODY + 1)).toBe('🚀');

    const nul = anIngestedEvent(tenants.a.id, { type: 'nulfact.x', summary: 'before\u0000after' });
    const other = anIngestedEvent(tenants.b.id, { type: 'other.x' });
    await Promise.all([publish(emoji), publish(nul), publish(other)]);

    for (const [created, what] of [
      [emojiHook, 'emoji'],
      [nulHook, 'nul fact'],
      [otherHook, 'other tenant'],
    ] as const) {
      await eventually(
        () => deliveries(created.id),
        (rows) => rows[0]?.state === 'delivered',
        { what: `${what}: recorded as delivered` },
      );
    }
    await settle(2500); // a resend (a failed record, a failed batch) would come within this
    for (const [target, created] of [
      [emojiTarget, emojiHook],
      [nulTarget, nulHook],
      [otherTarget, otherHook],
    ] as const) {
      expect(webhookIds(target.received)).toHaveLength(1);
      expect(await deliveries(created.id)).toEqual([
        expect.objectContaining({ delivery_id: webhookIds(target.received)[0], state: 'delivered', attempts: 1 }),
      ]);
    }
    expect(emojiTarget.received[0].body).toBe(body);
    const [kept] = await attempts(emojiHook.id);
    expect(kept.body).toBe(body.slice(0, KEPT_BODY - 1)); // cut before the emoji, not through it
    expect(JSON.parse(nulTarget.received[0].body).data.summary).toBe('before\u0000after'); // sent as it is
    const [fact] = await db.query<{ summary: string }>(
      `SELECT fact->>'summary' AS summary FROM outbound.delivery WHERE webhook_id = $1`,
      [nulHook.id],
    );
    expect(fact.summary).toBe('before\ufffdafter'); // stored sanitized
  });
});
