import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import type { Webhook, WebhookDeliveries } from '@daalu/client';
import { decodeConfigFact } from '@daalu/contracts';
import { daaluSignature } from '@daalu/outbound/domain';
import { eventually, freePort } from '@daalu/testing';
import type { BrowserGlobals } from './browser-globals';
import { ConsoleHarness } from './console-harness';
import { isFocused } from './page-probes';
import { runCurl, runShell, startNode } from './run-snippets';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

interface Receiver {
  url: string;
  received: Received[];
  close(): void;
}

const servers = new Set<Server>();

/** A webhook receiver on loopback (let through the SSRF guard by the harness's DAALU_OUTBOUND_ALLOW). */
async function receiver(): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.add(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => {
      servers.delete(server);
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Webhooks: both tabs, the inbound detail, the outbound form and detail, against the real stack. */
describe('console: webhooks', () => {
  let harness: ConsoleHarness;
  let hook: Receiver;
  /** The webhook the form creates, and its secret as shown once. */
  let created: { id: string; secret: string };

  beforeAll(async () => {
    harness = await ConsoleHarness.start('webhooks');
    hook = await receiver();
  }, 150_000);

  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    await harness?.stop();
  });

  const history = async (webhookId: string) =>
    (await harness.api<WebhookDeliveries>(`/api/v1/webhooks/${webhookId}/deliveries`)).body;

  /** What has focus: its tag, id, text, and (a history row) its index. */
  const focused = (page: Page) =>
    page.evaluate(() => {
      const active = (globalThis as unknown as BrowserGlobals).document.activeElement;
      return {
        tag: active?.tagName,
        id: active?.id,
        text: active?.textContent?.trim(),
        index: active?.getAttribute('data-delivery-index'),
      };
    });

  async function clipboardAfter(page: Page, click: () => Promise<void>): Promise<string> {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: harness.origin });
    await click();
    return page.evaluate(() => (globalThis as unknown as BrowserGlobals).navigator.clipboard.readText());
  }

  it('shows the inbound endpoint and an empty outbound list that says what to do, with the tab in the URL', async () => {
    const page = await harness.signedIn('/webhooks?tab=inbound');
    await page.getByRole('heading', { name: 'Inbound endpoint' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Inbound' }).getAttribute('aria-selected')).toBe('true');
    const { endpoint } = (await harness.api<{ endpoint: string }>('/api/v1/ingest')).body;
    await page.getByText(`POST ${endpoint}`).first().waitFor();
    await page.getByText('none yet').waitFor();
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'webhooks-inbound');

    // The first event's curl, run exactly as shown (DAALU_KEY set, as the page says), is accepted.
    const curl = (await page.getByRole('region', { name: 'Send your first event' }).locator('pre').textContent())!;
    expect(curl).toContain(`'${endpoint}'`);
    expect(curl).toContain("-H 'Content-Type: application/json'");
    expect(await runCurl(curl, { DAALU_KEY: harness.tenant.ingestKey })).toBe(202);

    // Keyboard: arrow to the Outbound tab; the URL follows, so the link can be shared.
    await page.getByRole('tab', { name: 'Inbound' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(/tab=outbound/);
    await page.getByText('No outbound webhooks yet').waitFor();
    expect(await page.getByRole('link', { name: 'Add outbound webhook' }).count()).toBeGreaterThanOrEqual(1);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'webhooks-outbound-empty');

    // Back returns to the inbound tab.
    await page.goBack();
    await page.waitForURL(/tab=inbound/);
    await page.getByRole('heading', { name: 'Inbound endpoint' }).waitFor();

    const dark = await harness.signedIn('/webhooks?tab=outbound', 'dark');
    await dark.getByText('No outbound webhooks yet').waitFor();
    expect(await harness.accessibilityViolations(dark, { every: true })).toEqual([]);
    await harness.screenshot(dark, 'webhooks-outbound-empty', 'dark');
    await dark.goto(`${harness.origin}/webhooks?tab=inbound`);
    await dark.getByRole('heading', { name: 'Inbound endpoint' }).waitFor();
    await harness.screenshot(dark, 'webhooks-inbound', 'dark');
  });

  it('inbound detail: the key masked, the requests with a curl that holds no key, and a rotation shown once while the old key still works', async () => {
    const oldKey = harness.tenant.ingestKey;
    const eventId = await harness.ingest({ type: 'deploy.started', source: 'ci', summary: 'Deploy 42 started' });
    await eventually(
      async () => (await harness.api<{ requests: Array<{ eventIds: string[] }> }>('/api/v1/ingest')).body,
      (body) => body.requests.some((r) => r.eventIds.includes(eventId)),
      { what: 'the request in the inbound history' },
    );

    const page = await harness.signedIn('/webhooks/inbound');
    await page.getByRole('heading', { name: 'Inbound endpoint' }).waitFor();
    await expect(page.getByTestId('ingest-key-masked').textContent()).resolves.toBe(`${oldKey.slice(0, 8)}…`);
    expect(await page.content()).not.toContain(oldKey);
    await page.getByRole('heading', { name: 'Latest requests' }).waitFor();
    // The last request: status in words, its body pretty-printed.
    const last = page.getByRole('group', { name: 'Last request' });
    await expect(last.getByText('202 Accepted').count()).resolves.toBeGreaterThan(0);
    await expect(last.getByLabel('Request body').textContent()).resolves.toContain('"summary": "Deploy 42 started"');

    // Copy as curl: the key is a placeholder, never a real one.
    const curl = await clipboardAfter(page, () => last.getByRole('button', { name: 'Copy as curl' }).click());
    // The endpoint as the API gives it (DAALU_PUBLIC_URL), path as recorded.
    const { endpoint } = (await harness.api<{ endpoint: string }>('/api/v1/ingest')).body;
    expect(curl).toContain(`curl -X POST '${endpoint}'`);
    expect(curl).toContain('X-Daalu-Key: $DAALU_KEY');
    expect(curl).toContain('Deploy 42 started');
    expect(curl).not.toContain(oldKey);
    expect(curl).not.toContain(oldKey.slice(0, 8));

    // A row of the table opens its request/response.
    await page.getByRole('button', { name: /^View/ }).first().click();
    await page.getByRole('group', { name: 'Request and response' }).waitFor();
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'webhooks-inbound-detail');

    // Rotate, behind a confirmation that says how long the old key works.
    await page.getByRole('button', { name: 'Rotate ingest key' }).click();
    const dialog = page.getByRole('alertdialog');
    await expect(dialog.textContent()).resolves.toMatch(/keeps working for 24 hours, until /);
    await dialog.getByRole('button', { name: 'Rotate' }).click();
    const newKey = (await page.getByTestId('new-ingest-key').textContent())!;
    expect(newKey).toMatch(/^dik_/);
    expect(newKey).not.toBe(oldKey);
    await expect(page.getByRole('status').filter({ hasText: 'New ingest key' }).textContent()).resolves.toMatch(
      /previous key keeps working for 2[34] hours, until /,
    );
    expect(await clipboardAfter(page, () => page.getByRole('button', { name: 'Copy new key' }).click())).toBe(newKey);
    await expect(page.getByTestId('ingest-key-masked').textContent()).resolves.toBe(`${newKey.slice(0, 8)}…`);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);

    // The old key is still accepted right after, and the new one too.
    await harness.ingest({ type: 'deploy.finished', source: 'ci', summary: 'old key still works' });
    const withNew = await fetch(`${harness.origin}/api/v1/events`, {
      method: 'POST',
      headers: { 'x-daalu-key': newKey, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'deploy.finished', source: 'ci', summary: 'new key works' }),
    });
    expect(withNew.status).toBe(202);

    // Shown once: gone after leaving the page.
    await page.getByRole('link', { name: 'Back to Webhooks' }).click();
    await page.getByRole('link', { name: 'Open inbound detail' }).click();
    await page.getByRole('heading', { name: 'Ingest key' }).waitFor();
    expect(await page.content()).not.toContain(newKey);

    const dark = await harness.signedIn('/webhooks/inbound', 'dark');
    await dark.getByRole('heading', { name: 'Latest requests' }).waitFor();
    expect(await harness.accessibilityViolations(dark, { every: true })).toEqual([]);
    await harness.screenshot(dark, 'webhooks-inbound-detail', 'dark');
  });

  it('inbound detail is live: a request sent while it is open is offered as "1 new request", then shown with focus on it', async () => {
    const page = await harness.signedIn('/webhooks/inbound');
    await page.getByRole('heading', { name: 'Latest requests' }).waitFor();
    await page.getByText('Live: new requests wait here until you show them.').waitFor();
    const rows = page.locator('tr[data-request-id]');
    await rows.first().waitFor();
    const before = await rows.count();

    const sent = Date.now();
    await harness.ingest({ type: 'deploy.live', source: 'ci', summary: 'Deploy 43 sent while the page is open' });
    const offer = page.getByRole('button', { name: /^1 new request/ });
    await offer.waitFor({ timeout: 10_000 });
    // Offered, not pushed under the reader.
    await expect(rows.count()).resolves.toBe(before);
    await offer.click();
    const fresh = page.locator('tr.row-new');
    await fresh.waitFor();
    expect(Date.now() - sent).toBeLessThan(10_000);
    await expect(rows.count()).resolves.toBe(before + 1);
    await expect(fresh.textContent()).resolves.toMatch(/new/);
    await expect(offer.count()).resolves.toBe(0);
    // The button that had focus is gone: the new row's View button has it, never <body>.
    const view = fresh.getByRole('button', { name: /^View/ });
    await expect(isFocused(view)).resolves.toBe(true);
    await expect(
      page.getByRole('group', { name: 'Last request' }).getByLabel('Request body').textContent(),
    ).resolves.toContain('Deploy 43 sent while the page is open');
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
  });

  it('creates a webhook from the form: errors next to their fields (SSRF guard, bad JSON), then the secret once', async () => {
    const page = await harness.signedIn('/webhooks?tab=outbound');
    await page.getByRole('link', { name: 'Add outbound webhook' }).first().click();
    await page.getByRole('heading', { name: 'Add outbound webhook' }).waitFor();

    await page.getByLabel('URL').fill('http://10.0.0.1/');
    await page.getByLabel('Description').fill('Deploys to the loopback receiver');
    await page.getByRole('checkbox', { name: 'Alerts' }).uncheck();
    await page.getByRole('checkbox', { name: 'Events' }).check();
    await page.getByLabel('Event type').fill('deploy.*');
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Name').fill('Authorization');
    await page.getByLabel('Value').fill('Bearer to-the-ticket-system');
    await page.getByLabel('Body template (JSON)').fill('{"text": "{{summary}}",');

    // The template is checked here first: its error is next to it, and nothing is sent.
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await expect(page.locator('#wh-template-error').textContent()).resolves.toMatch(/not valid JSON/);
    expect(await page.getByLabel('Body template (JSON)').getAttribute('aria-invalid')).toBe('true');
    // Focus goes to the field to fix.
    await expect(focused(page)).resolves.toMatchObject({ id: 'wh-template' });
    expect((await harness.api<{ items: unknown[] }>('/api/v1/webhooks')).body.items).toHaveLength(0);

    // A private address: the API's 400 names `url`, shown next to the URL field.
    await page.getByLabel('Body template (JSON)').fill('');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const urlError = page.locator('#wh-url-error');
    await expect(urlError.textContent()).resolves.toMatch(/private|refused|not allowed|address/i);
    const url = page.getByLabel('URL');
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    expect(await url.getAttribute('aria-describedby')).toContain('wh-url-error');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Invalid body/);
    await expect(focused(page)).resolves.toMatchObject({ id: 'wh-url' });
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'webhooks-outbound-new');
    expect((await harness.api<{ items: unknown[] }>('/api/v1/webhooks')).body.items).toHaveLength(0);

    // Fixed: created, and its secret shown this once.
    await url.fill(hook.url);
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByRole('heading', { name: 'Webhook created' }).waitFor();
    // The form is gone: its heading takes focus, not <body>.
    await expect(focused(page)).resolves.toMatchObject({ id: 'created-title' });
    // The secret and the verification snippets hold a placeholder until Reveal.
    const node = page.getByTestId('verify-node');
    await expect(node.textContent()).resolves.toContain("new Webhook('whsec_…')");
    expect(await page.content()).not.toMatch(/whsec_[A-Za-z0-9+/=]{20}/);
    await page.getByRole('button', { name: 'Reveal' }).click();
    const secret = (await page.getByTestId('secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    // The Reveal button is gone: focus is on Hide, the button that masks it again.
    await expect(focused(page)).resolves.toMatchObject({ text: 'Hide' });
    await expect(node.textContent()).resolves.toContain(`new Webhook('${secret}')`);
    await page.getByRole('tab', { name: 'Python' }).click();
    await expect(page.getByTestId('verify-python').textContent()).resolves.toContain(`Webhook("${secret}")`);
    await expect(page.getByText('you will not see it again here').count()).resolves.toBe(1);
    await expect(page.getByText(/each reveal is audited/).count()).resolves.toBe(1);
    expect(await clipboardAfter(page, () => page.getByRole('button', { name: 'Copy secret' }).click())).toBe(secret);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'webhooks-outbound-created');
    await page.getByRole('button', { name: 'Hide' }).click();
    await expect(focused(page)).resolves.toMatchObject({ text: 'Reveal' });
    expect(await page.getByTestId('secret').count()).toBe(0);

    const { items } = (await harness.api<{ items: Webhook[] }>('/api/v1/webhooks')).body;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      url: hook.url,
      description: 'Deploys to the loopback receiver',
      trigger: { events: { type: 'deploy.*' } },
      headers: { Authorization: '••••••' },
      enabled: true,
    });
    created = { id: items[0].id, secret };

    await page.getByRole('link', { name: 'Open the webhook' }).click();
    await page.waitForURL(new RegExp(`/webhooks/outbound/${created.id}$`));
    await page.getByRole('heading', { name: 'Signing secret' }).waitFor();
    expect(await page.content()).not.toContain(secret);

    const dark = await harness.signedIn('/webhooks/outbound/new', 'dark');
    await dark.getByRole('heading', { name: 'Add outbound webhook' }).waitFor();
    expect(await harness.accessibilityViolations(dark, { every: true })).toEqual([]);
    await harness.screenshot(dark, 'webhooks-outbound-new', 'dark');
    // The list now shows it.
    await dark.goto(`${harness.origin}/webhooks?tab=outbound`);
    await dark.getByRole('link', { name: hook.url }).waitFor();
    await expect(dark.getByText('Events: type deploy.*').count()).resolves.toBe(1);
    expect(await harness.accessibilityViolations(dark, { every: true })).toEqual([]);
    await harness.screenshot(dark, 'webhooks-outbound-list', 'dark');
    const light = await harness.signedIn('/webhooks?tab=outbound');
    await light.getByRole('link', { name: hook.url }).waitFor();
    await harness.screenshot(light, 'webhooks-outbound-list');
  });

  it('detail page: a real delivery as request/response, Reveal (audited), Send test event, Redeliver, Rotate secret', async () => {
    expect(created).toBeDefined();
    await harness.ingest({ type: 'deploy.started', source: 'ci', summary: 'Deploy 43 started' });
    await eventually(
      () => hook.received.length,
      (n) => n === 1,
      { what: 'the delivery at the receiver' },
    );
    const first = hook.received[0];
    expect(first.headers['x-daalu-signature']).toBe(daaluSignature(created.secret, first.body));
    expect(first.headers.authorization).toBe('Bearer to-the-ticket-system');
    await eventually(
      () => history(created.id),
      (h) => h.items[0]?.state === 'delivered',
      { what: 'the delivery recorded' },
    );

    const page = await harness.signedIn(`/webhooks/outbound/${created.id}`);
    await page.getByRole('heading', { name: 'Last delivery' }).waitFor();
    // The secret is not in the page until revealed.
    expect(await page.content()).not.toContain(created.secret);
    const lastDelivery = page.getByRole('group', { name: 'Last delivery' });
    await expect(lastDelivery.getByLabel('Request body').textContent()).resolves.toContain('Deploy 43 started');
    await expect(lastDelivery.getByText('200 OK').count()).resolves.toBe(1);
    await expect(lastDelivery.getByLabel('Response body').textContent()).resolves.toContain('"ok": true');
    // Custom header values stay masked in the history.
    await expect(lastDelivery.getByRole('table', { name: 'Request headers' }).textContent()).resolves.toContain(
      '••••••',
    );
    expect(await page.content()).not.toContain('to-the-ticket-system');
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'webhooks-outbound-detail');

    // Reveal: the API records who asked; the page says so and shows the secret.
    const [revealed] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/v1/webhooks/${created.id}/secret`)),
      page.getByRole('button', { name: 'Reveal' }).click(),
    ]);
    const revealBody = (await revealed.json()) as { secret: string; revealedTo: string };
    expect(revealBody.revealedTo).toMatch(/^initial \(dat_/);
    await expect(page.getByTestId('secret').textContent()).resolves.toBe(created.secret);
    await expect(page.getByText(`Revealed to ${revealBody.revealedTo}`).count()).resolves.toBe(1);
    const nats = harness.nats!;
    const audit = await nats.jsm.streams.getMessage(nats.streams.config, {
      last_by_subj: `${nats.subjects.config(harness.tenant.id, 'webhook')}.${created.id}`,
    });
    expect(decodeConfigFact(audit!.header, audit!.data)).toMatchObject({
      kind: 'webhook.secret-revealed',
      webhookId: created.id,
      actor: revealBody.revealedTo,
    });

    // The verification snippets, filled in with the revealed secret, verify a real delivery as shown.
    await page.getByRole('tab', { name: 'openssl' }).click();
    const openssl = (await page.getByTestId('verify-openssl').textContent())!;
    expect(openssl).toContain(`SECRET='${created.secret}'`);
    const signature = String(first.headers['x-daalu-signature']);
    await expect(runShell(openssl, { BODY: first.body, SIGNATURE: signature })).resolves.toBe('verified');
    await expect(runShell(openssl, { BODY: `${first.body} `, SIGNATURE: signature })).resolves.toBe(
      'signature mismatch',
    );
    await page.getByRole('tab', { name: 'Node.js' }).click();
    const port = await freePort();
    const nodeReceiver = startNode((await page.getByTestId('verify-node').textContent())!, { PORT: String(port) });
    try {
      const post = (body: string) =>
        fetch(`http://127.0.0.1:${port}/`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': String(first.headers['webhook-id']),
            'webhook-timestamp': String(first.headers['webhook-timestamp']),
            'webhook-signature': String(first.headers['webhook-signature']),
          },
          body,
        }).then(
          (r) => r.status,
          () => 0,
        );
      const status = await eventually(
        () => post(first.body),
        (answer) => answer !== 0,
        { what: 'the Node receiver' },
      );
      expect(status).toBe(204);
      await expect(post(`${first.body} `)).resolves.toBe(400);
      expect(nodeReceiver.output()).toMatch(/^verified /m);
    } finally {
      nodeReceiver.child.kill();
    }

    // Send test event: it reaches the receiver, signed, and shows in the history.
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByText(/Test event requested/).waitFor();
    await eventually(
      () => hook.received.length,
      (n) => n === 2,
      { what: 'the test event at the receiver' },
    );
    const test = hook.received[1];
    expect(JSON.parse(test.body)).toMatchObject({
      type: 'webhook.test',
      data: { webhookId: created.id, summary: 'Test event from Daalu' },
    });
    expect(test.headers['x-daalu-signature']).toBe(daaluSignature(created.secret, test.body));
    await page.getByRole('cell', { name: 'webhook.test' }).waitFor();

    // Redeliver the event's delivery: it arrives again with the same webhook-id.
    const eventRow = page.locator('tbody tr', { has: page.getByRole('cell', { name: 'Deploy 43 started' }) });
    await eventRow.getByRole('cell', { name: 'deploy.started' }).waitFor();
    await eventRow.getByRole('button', { name: /^Redeliver/ }).click();
    await page.getByText(/is being sent again/).waitFor();
    await eventually(
      () => hook.received.length,
      (n) => n === 3,
      { what: 'the redelivery at the receiver' },
    );
    expect(hook.received[2].headers['webhook-id']).toBe(first.headers['webhook-id']);
    await eventually(
      () => history(created.id),
      (h) => h.items.some((d) => d.factKind === 'event.ingested' && d.attemptsCount === 2 && d.state === 'delivered'),
      { what: 'two attempts recorded' },
    );
    // Its attempts, in a drawer: the latest first, as Request and Response tabs; the other one a click away.
    await eventRow.getByRole('cell').nth(4).filter({ hasText: '2' }).waitFor();
    const attemptsButton = eventRow.getByRole('button', { name: /^Attempts/ });
    await attemptsButton.click();
    const drawer = page.getByRole('dialog', { name: 'Delivery of deploy.started' });
    await drawer.waitFor();
    const second = drawer.getByRole('group', { name: 'Attempt 2' });
    await second.getByRole('heading', { name: /^Attempt 2:/ }).waitFor();
    expect(await second.getByRole('tab', { name: 'Request' }).getAttribute('aria-selected')).toBe('true');
    await expect(second.getByLabel('Request body').textContent()).resolves.toContain('Deploy 43 started');
    expect(await second.getByLabel('Response body').count()).toBe(0);
    await second.getByRole('tab', { name: /^Response/ }).click();
    await expect(second.getByRole('tabpanel').getByLabel('Response body').textContent()).resolves.toContain(
      '"ok": true',
    );
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'webhooks-outbound-attempts');
    await drawer.getByRole('button', { name: 'Attempt 1: 200' }).click();
    await drawer.getByRole('group', { name: 'Attempt 1' }).waitFor();
    expect(await drawer.getByRole('group', { name: 'Attempt 2' }).count()).toBe(0);
    // Escape closes it, and focus goes back to the button that opened it.
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    const deliveryId = (await eventRow.getAttribute('data-delivery'))!;
    const focused = await page.evaluate(
      () => (globalThis as unknown as BrowserGlobals).document.activeElement?.textContent ?? '',
    );
    expect(focused).toBe(`Attempts of delivery ${deliveryId}`);

    // Rotate the secret: the dialog says both sign for 24 hours; the new one is shown once.
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const dialog = page.getByRole('alertdialog');
    await expect(dialog.textContent()).resolves.toMatch(/both the current and the new secret sign/);
    await dialog.getByRole('button', { name: 'Rotate' }).click();
    const newSecret = (await page.getByTestId('new-secret').textContent())!;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(created.secret);
    await expect(page.getByRole('status').filter({ hasText: 'New signing secret' }).textContent()).resolves.toMatch(
      /both the previous and the new secret sign/,
    );
    const after = (await harness.api<Webhook>(`/api/v1/webhooks/${created.id}`)).body;
    expect(after.secrets).toHaveLength(2);
    expect(after.secrets[0].expiresAt).toBeNull();
    expect(Date.parse(after.secrets[1].expiresAt!) - Date.now()).toBeGreaterThan(86_000_000);
    // Gone once the page is left.
    await page.reload();
    await page.getByRole('heading', { name: 'Signing secret' }).waitFor();
    expect(await page.content()).not.toContain(newSecret);
    await page.getByText(/Rotation in progress/).waitFor();

    const dark = await harness.signedIn(`/webhooks/outbound/${created.id}`, 'dark');
    await dark.getByRole('heading', { name: 'Deliveries', exact: true }).waitFor();
    expect(await harness.accessibilityViolations(dark, { every: true })).toEqual([]);
    await harness.screenshot(dark, 'webhooks-outbound-detail', 'dark');
  });

  it('edits a webhook: the form is filled in, header values stay masked and kept, the change is saved', async () => {
    expect(created).toBeDefined();
    const page = await harness.signedIn(`/webhooks/outbound/${created.id}`);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit Deploys to the loopback receiver' }).waitFor();
    expect(await page.getByLabel('URL').inputValue()).toBe(hook.url);
    expect(await page.getByLabel('Event type').inputValue()).toBe('deploy.*');
    expect(await page.getByLabel('Name').inputValue()).toBe('Authorization');
    expect(await page.getByLabel('New value').inputValue()).toBe('');
    expect(await page.content()).not.toContain('to-the-ticket-system');
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'webhooks-outbound-edit');

    // Changing the headers needs the stored value typed again (it cannot be read back): said next to it.
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('.field-error', { hasText: 'stored values cannot be read back' }).waitFor();
    expect(await page.getByLabel('New value').getAttribute('aria-invalid')).toBe('true');
    expect((await harness.api<Webhook>(`/api/v1/webhooks/${created.id}`)).body.version).toBe(1);
    // Back to the stored headers only: they are left out of the PUT, so they stay.
    await page.getByRole('button', { name: 'Remove header 2' }).click();

    await page.getByLabel('Description').fill('Deploys, edited');
    await page.getByRole('checkbox', { name: 'Alerts' }).check();
    await page.getByRole('checkbox', { name: 'resolved' }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(new RegExp(`/webhooks/outbound/${created.id}$`));
    // The page is named by the description, and its heading has focus (the form that had it is gone).
    await page.getByRole('heading', { name: 'Deploys, edited', level: 1 }).waitFor();
    await expect(focused(page)).resolves.toMatchObject({ tag: 'H1', text: 'Deploys, edited' });

    const saved = (await harness.api<Webhook>(`/api/v1/webhooks/${created.id}`)).body;
    expect(saved).toMatchObject({
      description: 'Deploys, edited',
      version: 2,
      headers: { Authorization: '••••••' },
      trigger: { events: { type: 'deploy.*' }, alerts: { states: ['fired', 'resolved'] } },
    });
    // The header's value was kept: the next delivery still carries it.
    const before = hook.received.length;
    await harness.ingest({ type: 'deploy.started', source: 'ci', summary: 'after the edit' });
    await eventually(
      () => hook.received.length,
      (n) => n === before + 1,
      { what: 'the delivery after the edit' },
    );
    expect(hook.received[before].headers.authorization).toBe('Bearer to-the-ticket-system');

    const dark = await harness.signedIn(`/webhooks/outbound/${created.id}/edit`, 'dark');
    await dark.getByRole('heading', { name: /^Edit / }).waitFor();
    await dark.getByLabel('URL').waitFor();
    expect(await harness.accessibilityViolations(dark, { every: true })).toEqual([]);
    await harness.screenshot(dark, 'webhooks-outbound-edit', 'dark');
  });

  it('shows 100 deliveries of a webhook that has more, then the older ones on request, and deletes it after a confirmation', async () => {
    const bulk = await receiver();
    const made = await harness.api<{ id: string }>('/api/v1/webhooks', {
      method: 'POST',
      json: { url: bulk.url, description: 'every bulk event', trigger: { events: { type: 'bulk.*' } } },
    });
    expect(made.status).toBe(201);
    const events = Array.from({ length: 105 }, (_, i) => ({ type: 'bulk.item', source: 'test', summary: `item ${i}` }));
    const response = await fetch(`${harness.origin}/api/v1/events/batch`, {
      method: 'POST',
      headers: { 'x-daalu-key': harness.tenant.ingestKey, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(response.status).toBe(202);
    await eventually(
      () => bulk.received.length,
      (n) => n >= 105,
      { what: '105 deliveries at the receiver', timeoutMs: 30_000 },
    );
    await eventually(
      () => history(made.body.id),
      (h) => h.items.length === 100 && h.items.every((d) => d.state === 'delivered'),
      { what: 'the history recorded' },
    );

    const page = await harness.signedIn(`/webhooks/outbound/${made.body.id}`);
    await page.getByText('100 deliveries shown').waitFor();
    await expect(page.getByRole('button', { name: /^Redeliver/ }).count()).resolves.toBe(100);
    const rows = page.getByRole('table', { name: 'Deliveries' }).locator('tbody > tr');
    await expect(rows.count()).resolves.toBe(100);
    // Load older follows the cursor: the 5 older ones, and then there is nothing older to load.
    await page.getByRole('button', { name: 'Load older deliveries' }).click();
    await page.getByText('105 deliveries shown').waitFor();
    // Focus moves to the first of the older rows (the button is gone), never to <body>.
    await expect(focused(page)).resolves.toMatchObject({ tag: 'TR', index: '100' });
    await expect(rows.count()).resolves.toBe(105);
    expect(new Set(await rows.locator('.summary-cell').allTextContents()).size).toBe(105);
    expect(await page.getByRole('button', { name: 'Load older deliveries' }).count()).toBe(0);

    // Delete, behind a confirmation: back to the list, and gone from the API.
    await page.getByRole('button', { name: 'Delete webhook' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete webhook' }).click();
    await page.waitForURL(/\/webhooks\?tab=outbound$/);
    // The page it was on is gone: the list's heading has focus.
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await expect(focused(page)).resolves.toMatchObject({ tag: 'H1', text: 'Webhooks' });
    expect((await harness.api(`/api/v1/webhooks/${made.body.id}`)).status).toBe(404);
    await page.getByRole('tab', { name: 'Outbound', selected: true }).waitFor();
    await page.getByText('Loading webhooks').waitFor({ state: 'detached' });
    expect(await page.getByRole('link', { name: bulk.url }).count()).toBe(0);
    bulk.close();
  }, 90_000);
});
