import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from 'playwright-core';
import type { Schema, Webhook, WebhookDeliveries } from '@daalu/client';
import { eventually } from '@daalu/testing';
import { ConsoleHarness } from './console-harness';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A receiver on loopback (let through by the harness's DAALU_OUTBOUND_ALLOW) answering `status`, which the test switches. */
interface Receiver {
  url: string;
  status: number;
  received: Received[];
  server: Server;
}

async function receiver(): Promise<Receiver> {
  const state: Receiver = { url: '', status: 200, received: [], server: undefined as unknown as Server };
  state.server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      state.received.push({ headers: req.headers, body });
      const ok = state.status >= 200 && state.status < 300;
      res
        .writeHead(state.status, { 'content-type': 'application/json' })
        .end(ok ? '{"ok":true}' : '{"error":"receiver down"}');
    });
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/orders`;
  return state;
}

type EventTypeCatalog = Schema<'EventTypeCatalog'>;
type Recovery = Schema<'Recovery'>;

/**
 * A webhook's health, history, recovery and re-enabling in the console, on the real stack: the harness
 * retries for 2 s (DAALU_RETRY_WINDOW_S), so a receiver answering 500 makes a failed delivery, and the
 * webhook `failing`, within seconds.
 */
describe('console: webhook health, history and recovery', () => {
  let harness: ConsoleHarness;
  let hook: Receiver;
  /** The webhook the form creates (order.* events with env = prod). */
  let webhookId: string;

  beforeAll(async () => {
    harness = await ConsoleHarness.start('webhookhealth');
    hook = await receiver();
  }, 150_000);

  afterAll(async () => {
    hook?.server.closeAllConnections();
    hook?.server.close();
    await harness?.stop();
  });

  const webhook = async () => (await harness.api<Webhook>(`/api/v1/webhooks/${webhookId}`)).body;
  const history = async (query = '') =>
    (await harness.api<WebhookDeliveries>(`/api/v1/webhooks/${webhookId}/deliveries${query}`)).body;
  const rows = (page: Page) => page.getByRole('table', { name: 'Deliveries' }).locator('tbody > tr');
  /** The words of a list row's health label (its icon left out). */
  const healthText = async (row: Locator) =>
    (await row.locator('td[data-health] .status').textContent())!.replace(/^\W+/, '').trim();
  const summaries = async (page: Page) => (await rows(page).locator('.summary-cell').allTextContents()).sort();

  it('the type fields offer the types the tenant sent; the webhook form saves payload conditions and delivery settings', async () => {
    await harness.ingest({
      type: 'order.created',
      source: 'shop',
      summary: 'Order 1 created',
      payload: { env: 'prod', total: 12 },
    });
    await eventually(
      async () => (await harness.api<EventTypeCatalog>('/api/v1/event-types')).body,
      (catalog) => catalog.items.some((t) => t.type === 'order.created'),
      { what: 'order.created in the event types' },
    );

    const page = await harness.signedIn('/webhooks/outbound/new');
    await page.getByRole('heading', { name: 'Add outbound webhook' }).waitFor();
    await page.getByLabel('URL').fill(hook.url);
    await page.getByRole('checkbox', { name: 'Alerts' }).uncheck();
    await page.getByRole('checkbox', { name: 'Events' }).check();
    const type = page.getByLabel('Event type');
    const list = (await type.getAttribute('list'))!;
    await page.locator(`datalist#${list} option[value="order.created"]`).waitFor({ state: 'attached' });
    // The exact type, once typed, says what its payloads hold: what a condition can name.
    await type.fill('order.created');
    await page.getByText(/payload fields env, total/).waitFor();
    await type.fill('order.*');
    await page.getByRole('button', { name: 'Add payload condition' }).click();
    await page.getByLabel('Field 1', { exact: true }).fill('env');
    await page.getByLabel('Operator 1', { exact: true }).selectOption('eq');
    await page.getByLabel('Value 1', { exact: true }).fill('prod');
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Name', { exact: true }).fill('X-Trace');
    await page.getByLabel('Value', { exact: true }).fill('kept-across-re-enable');
    // Over the platform's cap: the API's 400 shows next to the field.
    await page.getByLabel('POSTs per second').fill('51');
    await page.getByLabel('Timeout (ms)').fill('2000');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.locator('#delivery-rate-error').waitFor();
    expect(await page.getByLabel('POSTs per second').getAttribute('aria-invalid')).toBe('true');
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    expect((await harness.api<{ items: Webhook[] }>('/api/v1/webhooks')).body.items).toHaveLength(0);

    await page.getByLabel('POSTs per second').fill('10');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByRole('heading', { name: 'Webhook created' }).waitFor();
    const { items } = (await harness.api<{ items: Webhook[] }>('/api/v1/webhooks')).body;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      trigger: { events: { type: 'order.*', payload: [{ field: 'env', op: 'eq', value: 'prod' }] } },
      delivery: { ratePerSecond: 10, timeoutMs: 2000 },
      headers: { 'X-Trace': '••••••' },
      health: { state: 'healthy' },
    });
    webhookId = items[0].id;

    // The edit form shows them again.
    await page.goto(`${harness.origin}/webhooks/outbound/${webhookId}/edit`);
    await page.getByRole('heading', { name: /^Edit / }).waitFor();
    expect(await page.getByLabel('Field 1', { exact: true }).inputValue()).toBe('env');
    expect(await page.getByLabel('Value 1', { exact: true }).inputValue()).toBe('prod');
    expect(await page.getByLabel('POSTs per second').inputValue()).toBe('10');

    // The alert rule form offers the same types.
    await page.goto(`${harness.origin}/rules/new`);
    const ruleType = page.getByLabel('Event type', { exact: true });
    const ruleList = (await ruleType.getAttribute('list'))!;
    await page.locator(`datalist#${ruleList} option[value="order.created"]`).waitFor({ state: 'attached' });
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
  });

  it('a receiver answering 500: Failing in the list with its last error, and a banner and the failures on its page', async () => {
    expect(webhookId).toBeDefined();
    hook.status = 500;
    await harness.ingest({
      type: 'order.created',
      source: 'shop',
      summary: 'Order 2 created',
      payload: { env: 'prod' },
    });
    // Not env = prod: the trigger's payload condition leaves it out.
    await harness.ingest({
      type: 'order.created',
      source: 'shop',
      summary: 'Order 3 staging',
      payload: { env: 'staging' },
    });
    await eventually(webhook, (w) => w.health.state === 'failing', { what: 'the webhook failing', timeoutMs: 30_000 });

    const page = await harness.signedIn('/webhooks?tab=outbound');
    const row = page.locator('tbody tr', { has: page.getByRole('link', { name: hook.url }) });
    await row.locator('td[data-health="failing"]').waitFor();
    await expect(healthText(row)).resolves.toBe('Failing');
    await row.getByText('HTTP 500').waitFor();
    await expect(row.getByRole('cell', { name: '0%', exact: true }).count()).resolves.toBe(1);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'webhooks-outbound-list-failing');

    await row.getByRole('link', { name: hook.url }).click();
    const banner = page.getByRole('heading', { name: /^Failing since .* — last error HTTP 500$/ });
    await banner.waitFor();
    await page.getByText(/failed attempts? in a row; last success never/).waitFor();
    // The chart's summary in words: only failures so far.
    await page.getByText(/In the last 24 hours: 0 delivered, \d+ failed attempts \(0% delivered\)/).waitFor();
    // The chart: this hour's bar has failures, and the 99th percentile line has a point (the 500s were answered).
    const plot = page.getByRole('img', { name: /^Attempts per hour, last 24 hours/ });
    await plot.waitFor();
    await expect(plot.getAttribute('data-bars')).resolves.toBe('24');
    expect(Number(await plot.getAttribute('data-total'))).toBeGreaterThan(0);
    expect(Number(await plot.getAttribute('data-line-points'))).toBeGreaterThan(0);
    await page.getByText('p99 response time (line, right-hand scale)').waitFor();
    await page.getByText('Attempts per hour as a table').click();
    const hours = page.getByRole('table', { name: 'Attempts per hour, last 24 hours' }).locator('tbody tr');
    await expect(hours.count()).resolves.toBeGreaterThan(0);
    const lastHour = await hours.last().locator('td').allTextContents();
    expect(Number(lastHour[0])).toBe(0); // delivered
    expect(Number(lastHour[1])).toBeGreaterThan(0); // failed
    expect(lastHour[3]).toMatch(/^\d+ ms$/); // the 99th percentile
    await page.getByRole('cell', { name: 'Order 2 created' }).waitFor();
    expect(await page.getByRole('cell', { name: 'Order 3 staging' }).count()).toBe(0);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'webhooks-outbound-failing');
  });

  it('history filters go in the URL and change the rows; Back undoes them; the attempt drawer shows the 500', async () => {
    hook.status = 200;
    const shippedId = await harness.ingest({
      type: 'order.shipped',
      source: 'shop',
      summary: 'Order 2 shipped',
      payload: { env: 'prod' },
    });
    await eventually(history, (h) => h.items.some((d) => d.summary === 'Order 2 shipped' && d.state === 'delivered'), {
      what: 'the shipped order delivered',
    });

    const page = await harness.signedIn(`/webhooks/outbound/${webhookId}`);
    await page.getByText('2 deliveries shown').waitFor();
    expect(await summaries(page)).toEqual(['Order 2 created', 'Order 2 shipped']);

    // State: failed only.
    const filters = page.getByRole('search', { name: 'Filter the deliveries' });
    await filters.getByRole('checkbox', { name: 'failed' }).check();
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/[?&]status=failed(&|$)/);
    await page.getByText('1 delivery shown').waitFor();
    expect(await summaries(page)).toEqual(['Order 2 created']);

    // Type: a glob instead.
    await filters.getByRole('checkbox', { name: 'failed' }).uncheck();
    await filters.getByLabel('Type', { exact: true }).fill('order.ship*');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('type') === 'order.ship*' && !url.searchParams.has('status'));
    await page.getByRole('cell', { name: 'Order 2 shipped' }).waitFor();
    expect(await summaries(page)).toEqual(['Order 2 shipped']);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);

    // Back: the previous filters, in the form and the rows.
    await page.goBack();
    await page.waitForURL(/[?&]status=failed(&|$)/);
    await page.getByRole('cell', { name: 'Order 2 created' }).waitFor();
    expect(await summaries(page)).toEqual(['Order 2 created']);
    expect(await filters.getByRole('checkbox', { name: 'failed' }).isChecked()).toBe(true);
    expect(await filters.getByLabel('Type', { exact: true }).inputValue()).toBe('');

    // The failed delivery's attempts in the drawer: the request, and the receiver's 500 on the Response tab.
    await rows(page)
      .first()
      .getByRole('button', { name: /^Attempts/ })
      .click();
    const drawer = page.getByRole('dialog', { name: 'Delivery of order.created' });
    await drawer.waitFor();
    const attempt = drawer.getByRole('group', { name: /^Attempt \d+$/ });
    await expect(attempt.getByLabel('Request body').textContent()).resolves.toContain('Order 2 created');
    await attempt.getByRole('tab', { name: /^Response/ }).click();
    await attempt.getByRole('tabpanel').getByText('500 Internal Server Error').waitFor();
    await expect(attempt.getByLabel('Response body').textContent()).resolves.toContain('"error": "receiver down"');
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'webhooks-outbound-drawer');
    await drawer.getByRole('button', { name: 'Close' }).click();
    await drawer.waitFor({ state: 'detached' });

    // An event's id, from a link; a bad one is the API's 400, next to its field.
    await page.goto(`${harness.origin}/webhooks/outbound/${webhookId}?eventId=${shippedId}`);
    await page.getByText('1 delivery shown').waitFor();
    expect(await summaries(page)).toEqual(['Order 2 shipped']);
    await filters.getByLabel('Event id').fill('not-an-id');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/eventId=not-an-id/);
    await expect(page.locator('#dl-eventId-error').textContent()).resolves.toMatch(/UUID/);
    expect(await filters.getByLabel('Event id').getAttribute('aria-invalid')).toBe('true');

    // A time with nothing after it: the empty state says how to widen.
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await page.goto(`${harness.origin}/webhooks/outbound/${webhookId}?since=${encodeURIComponent(later)}`);
    await page.getByText('No deliveries match these filters').waitFor();
    await page.getByRole('link', { name: 'Clear filters' }).click();
    await page.getByText('2 deliveries shown').waitFor();
  });

  it('Recover sends the failed delivery again, with its webhook-id, and shows the progress until done', async () => {
    hook.status = 200;
    const failed = (await history('?status=failed')).items;
    expect(failed.map((d) => d.summary)).toEqual(['Order 2 created']);
    const before = hook.received.length;
    const firstTry = hook.received.find((r) => r.body.includes('Order 2 created'))!;

    const page = await harness.signedIn(`/webhooks/outbound/${webhookId}`);
    const form = page.getByRole('form', { name: 'Recover failed deliveries' });
    await form.waitFor();
    // Since an hour ago, in local time in the picker, kept in UTC.
    const since = page.getByLabel('Since (your local time)');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    await since.fill(
      `${anHourAgo.getFullYear()}-${pad(anHourAgo.getMonth() + 1)}-${pad(anHourAgo.getDate())}` +
        `T${pad(anHourAgo.getHours())}:${pad(anHourAgo.getMinutes())}:${pad(anHourAgo.getSeconds())}`,
    );
    await form.getByText(`UTC ${new Date(Math.floor(anHourAgo.getTime() / 1000) * 1000).toISOString()}`).waitFor();
    const [started] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/v1/webhooks/${webhookId}/recover`)),
      form.getByRole('button', { name: 'Recover deliveries' }).click(),
    ]);
    expect(started.status()).toBe(202);
    const recoveryId = ((await started.json()) as { id: string }).id;
    await page.getByText('1 total: 1 delivered, 0 failed again, 0 pending. Done.').waitFor({ timeout: 30_000 });
    await expect(page.locator(`[data-recovery="${recoveryId}"] h3`).textContent()).resolves.toContain('done');
    const progress = (await harness.api<Recovery>(`/api/v1/webhooks/${webhookId}/recoveries/${recoveryId}`)).body;
    expect(progress).toMatchObject({ state: 'done', total: 1, done: 1, failed: 0, pending: 0 });

    // At the receiver again, with the same webhook-id; in the history, delivered by the recovery.
    const again = hook.received.slice(before).find((r) => r.body.includes('Order 2 created'))!;
    expect(again.headers['webhook-id']).toBe(firstTry.headers['webhook-id']);
    const row = rows(page).filter({ hasText: 'Order 2 created' });
    await row.getByText('(recovered)').waitFor();
    await row.getByText('delivered').waitFor();
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'webhooks-outbound-recovered');
  });

  it('a disabled webhook says why; Re-enable sends to it again with its custom headers kept, and Recover sends what it skipped', async () => {
    // Disabled by its owner, through the API.
    const current = await webhook();
    const disabled = await harness.api<Webhook>(`/api/v1/webhooks/${webhookId}`, {
      method: 'PUT',
      json: {
        url: current.url,
        description: current.description,
        trigger: current.trigger,
        delivery: current.delivery,
        enabled: false,
      },
    });
    expect(disabled.status).toBe(200);
    await harness.ingest({
      type: 'order.created',
      source: 'shop',
      summary: 'Order 4 created',
      payload: { env: 'prod' },
    });
    await eventually(history, (h) => h.items.some((d) => d.summary === 'Order 4 created' && d.state === 'skipped'), {
      what: 'the delivery skipped while disabled',
    });

    const list = await harness.signedIn('/webhooks?tab=outbound');
    const row = list.locator('tbody tr', { has: list.getByRole('link', { name: hook.url }) });
    await row.locator('td[data-health="disabled"]').waitFor();
    await expect(healthText(row)).resolves.toBe('Disabled');
    await row.getByText('disabled by its owner').waitFor();

    const page = await harness.signedIn(`/webhooks/outbound/${webhookId}`);
    await page.getByRole('heading', { name: 'Disabled: disabled by its owner' }).waitFor();
    const form = page.getByRole('form', { name: 'Recover failed deliveries' });
    expect(await form.getByRole('button', { name: 'Recover deliveries' }).isDisabled()).toBe(true);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'webhooks-outbound-disabled');

    const [saved] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/v1/webhooks/${webhookId}`) && r.request().method() === 'PUT'),
      page.getByRole('button', { name: 'Re-enable' }).click(),
    ]);
    expect(saved.status()).toBe(200);
    expect(JSON.parse(saved.request().postData()!)).not.toHaveProperty('headers');
    await page.getByText(/Enabled again/).waitFor();
    expect(await page.getByRole('heading', { name: /^Disabled/ }).count()).toBe(0);
    expect(await webhook()).toMatchObject({
      enabled: true,
      headers: { 'X-Trace': '••••••' },
      delivery: { ratePerSecond: 10, timeoutMs: 2000 },
      trigger: { events: { payload: [{ field: 'env', op: 'eq', value: 'prod' }] } },
      health: { state: 'healthy' },
    });

    // What it skipped, recovered: skipped only.
    const before = hook.received.length;
    await form.getByRole('checkbox', { name: 'failed' }).uncheck();
    await form.getByRole('button', { name: 'Recover deliveries' }).click();
    await page.getByText('1 total: 1 delivered, 0 failed again, 0 pending. Done.').waitFor({ timeout: 30_000 });
    const sent = hook.received.slice(before).find((r) => r.body.includes('Order 4 created'))!;
    expect(sent.headers['x-trace']).toBe('kept-across-re-enable');
  });
});
