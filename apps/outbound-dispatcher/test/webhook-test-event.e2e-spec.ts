import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { daaluSignature, deliveryIdOf } from '@daalu/outbound/domain';
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

const SCRIPT = 'apps/outbound-dispatcher/src/main.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** `POST /api/v1/webhooks/:id/test`: the console's "Send test event", a signed delivery whatever the trigger. */
describe('webhook test event', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let app: AppProcess;
  let base: string;
  let tenant: { id: string; auth: { authorization: string } };
  let server: Server;
  let receiverUrl: string;
  const received: Received[] = [];

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('outbound_test_event'));
    tenant = await aTenantWithApiToken(nats);
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await startReadyProcess(
      SCRIPT,
      {
        ...appEnv(db, nats),
        PORT: String(port),
        DAALU_SECRET_KEY: 'cd'.repeat(32),
        DAALU_OUTBOUND_ALLOW: '127.0.0.0/8',
        DAALU_RETRY_BASE_MS: '200',
        DAALU_RETRY_WINDOW_S: '3',
      },
      base,
    );
  }, 60_000);

  afterAll(async () => {
    server?.closeAllConnections();
    server?.close();
    await app?.stop('SIGTERM');
    await nats.cleanup();
    await db.drop();
  });

  async function createWebhook(body: object): Promise<{ id: string; secret: string }> {
    const response = await fetch(`${base}/api/v1/webhooks`, {
      method: 'POST',
      headers: { ...tenant.auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; secret: string };
  }

  it('sends a signed webhook.test delivery that its trigger would never fire, into the history; 404 for another tenant', async () => {
    // A trigger no fact here will match: the test event goes regardless.
    const hook = await createWebhook({
      url: receiverUrl,
      trigger: { proposals: { kinds: ['never'], states: ['approved'] } },
    });
    const response = await fetch(`${base}/api/v1/webhooks/${hook.id}/test`, { method: 'POST', headers: tenant.auth });
    expect(response.status).toBe(202);
    const { deliveryId } = (await response.json()) as { deliveryId: string };
    expect(deliveryId).toMatch(/^[0-9a-f-]{36}$/);

    await eventually(
      () => received.length,
      (n) => n === 1,
      { what: 'the test delivery' },
    );
    const [{ headers, body }] = received;
    // Signed like every delivery: the receiver of docs/product.md and a Standard Webhooks library both verify it.
    expect(headers['x-daalu-signature']).toBe(daaluSignature(hook.secret, body));
    expect(headers['webhook-id']).toBe(deliveryId);
    const payload = new Webhook(hook.secret).verify(body, headers as Record<string, string>) as {
      id: string;
      type: string;
      tenantId: string;
      data: { id: string; kind: string; webhookId: string; summary: string; occurredAt: string };
    };
    expect(payload).toMatchObject({
      id: deliveryId,
      type: 'webhook.test',
      tenantId: tenant.id,
      data: { kind: 'webhook.test', tenantId: tenant.id, webhookId: hook.id, summary: 'Test event from Daalu' },
    });
    // The delivery id follows the usual derivation from the webhook and the (fresh) fact.
    expect(deliveryIdOf(hook.id, payload.data.id)).toBe(deliveryId);

    // In the history like any delivery.
    const history = await eventually(
      async () =>
        (await (await fetch(`${base}/api/v1/webhooks/${hook.id}/deliveries`, { headers: tenant.auth })).json()) as {
          items: Array<{ id: string; state: string; factKind: string; factId: string; attemptsCount: number }>;
        },
      (h) => h.items[0]?.state === 'delivered',
      { what: 'the test delivery in the history' },
    );
    expect(history.items).toHaveLength(1);
    expect(history.items[0]).toMatchObject({
      id: deliveryId,
      factKind: 'webhook.test',
      factId: payload.data.id,
      attemptsCount: 1,
    });

    // A second test is a new delivery (a fresh fact), not a duplicate of the first.
    const second = (await (
      await fetch(`${base}/api/v1/webhooks/${hook.id}/test`, { method: 'POST', headers: tenant.auth })
    ).json()) as { deliveryId: string };
    expect(second.deliveryId).not.toBe(deliveryId);
    await eventually(
      () => received.length,
      (n) => n === 2,
      { what: 'the second test delivery' },
    );
    expect(received[1].headers['webhook-id']).toBe(second.deliveryId);

    // Another tenant's webhook does not exist for it; nothing more is sent.
    const other = await aTenantWithApiToken(nats);
    // (its token reaches the dispatcher's directory within moments: until then it is a 401)
    const foreign = await eventually(
      () => fetch(`${base}/api/v1/webhooks/${hook.id}/test`, { method: 'POST', headers: other.auth }),
      (r) => r.status !== 401,
      { what: "the other tenant's token known" },
    );
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toMatch(/problem\+json/);
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toHaveLength(2);
  });

  it('refuses a disabled webhook with a 409 that says why, and sends nothing', async () => {
    const before = received.length;
    const hook = await createWebhook({ url: receiverUrl, trigger: { events: {} }, enabled: false });
    const response = await fetch(`${base}/api/v1/webhooks/${hook.id}/test`, { method: 'POST', headers: tenant.auth });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/disabled/);
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toHaveLength(before);
  });
});
