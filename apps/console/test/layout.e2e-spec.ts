import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import type { Alert, WebhookDeliveries } from '@daalu/client';
import { eventually } from '@daalu/testing';
import type { BrowserGlobals } from './browser-globals';
import { ConsoleHarness } from './console-harness';
import { isFocused } from './page-probes';

/** Desktop screenshots this suite takes, by page: docs/screenshots names. */
const DESKTOP_SHOTS: Record<string, string> = {
  alerts: 'alerts',
  rules: 'rules',
  'rule form': 'rule-form',
  proposals: 'proposals',
};

/**
 * Every page at phone widths, with data on it: nothing wider than the screen (no sideways scrolling,
 * nothing cut off), and no accessibility violation of any impact, phone and desktop.
 */
describe('console: every page at phone width', () => {
  let harness: ConsoleHarness;
  let receiver: Server;
  const ids = { webhook: '', rule: '' };

  beforeAll(async () => {
    harness = await ConsoleHarness.start('layout');
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/deployments-and-incidents`;

    // Long names on purpose: what a real tenant sends is what has to fit.
    const webhook = await harness.api<{ id: string }>('/api/v1/webhooks', {
      method: 'POST',
      json: {
        url,
        description: 'Deployments and incidents to the on-call receiver',
        trigger: { events: { type: 'deployment.*' }, alerts: { states: ['fired', 'resolved'] } },
        headers: { Authorization: 'Bearer a-long-token-for-the-ticket-system' },
      },
    });
    expect(webhook.status).toBe(201);
    ids.webhook = webhook.body.id;
    const rule = await harness.api<{ id: string }>('/api/v1/alert-rules', {
      method: 'POST',
      json: {
        name: 'payment-service error budget burning fast',
        kind: 'match',
        match: { type: 'check.failed', payload: [{ field: 'pct', op: 'gt', value: 90 }] },
        groupBy: 'payload.host',
        alert: { severity: 'critical', summary: 'disk on {{payload.host}} at {{payload.pct}}%' },
      },
    });
    expect(rule.status).toBe(201);
    ids.rule = rule.body.id;
    // A heartbeat check with a long name on a cron schedule, pinged once: the checks board has a row.
    const check = await harness.api<{ id: string }>('/api/v1/alert-rules', {
      method: 'POST',
      json: {
        name: 'nightly database backup of payment-service-eu-west-1',
        kind: 'absence',
        match: { type: 'backup.payment-service' },
        schedule: '0 3 * * *',
        timezone: 'Europe/Berlin',
        graceSeconds: 900,
        alert: { severity: 'warning', summary: 'the nightly backup did not report' },
      },
    });
    expect(check.status).toBe(201);
    await harness.ingest({ type: 'backup.payment-service', source: 'backup-cron', summary: 'backup done' });
    await harness.api('/api/v1/proposals', {
      method: 'POST',
      json: {
        kind: 'scale',
        title: 'scale payment-service-worker-eu-west-1 to 12 replicas',
        payload: { service: 'payment-service-worker-eu-west-1', replicas: 12 },
      },
    });
    await harness.ingest({
      type: 'deployment.finished.payment-service-eu-west-1',
      source: 'github-actions-production-pipeline',
      module: 'continuous-delivery',
      summary: 'Deployed payment-service a1b2c3d4e5f6 to eu-west-1 (canary 10% → 100%)',
      payload: {
        commit: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2',
        region: 'eu-west-1',
        url: 'https://ci.example.com/',
      },
    });
    await harness.ingest({
      type: 'check.failed',
      source: 'nightly-cron',
      summary: 'disk at 93% on backup-1',
      severity: 'warning',
      payload: { host: 'backup-1', pct: 93 },
    });
    await eventually(
      async () => (await harness.api<{ items: Alert[] }>('/api/v1/alerts')).body.items,
      (items) => items.length > 0,
      { what: 'the alert' },
    );
    await eventually(
      async () => (await harness.api<WebhookDeliveries>(`/api/v1/webhooks/${ids.webhook}/deliveries`)).body.items,
      (items) => items.some((d) => d.state === 'delivered'),
      { what: 'a delivery' },
    );
  }, 150_000);

  afterAll(async () => {
    receiver?.closeAllConnections();
    receiver?.close();
    await harness?.stop();
  });

  /** Every page a signed-in user can reach, with what says it has loaded. */
  const pages = () => [
    { name: 'webhooks, inbound tab', path: '/webhooks?tab=inbound' },
    { name: 'webhooks, outbound list', path: '/webhooks?tab=outbound' },
    { name: 'inbound detail', path: '/webhooks/inbound' },
    { name: 'outbound detail', path: `/webhooks/outbound/${ids.webhook}` },
    { name: 'new outbound webhook', path: '/webhooks/outbound/new' },
    { name: 'edit outbound webhook', path: `/webhooks/outbound/${ids.webhook}/edit` },
    { name: 'timeline', path: '/timeline' },
    { name: 'alerts', path: '/alerts' },
    { name: 'rules', path: '/rules' },
    { name: 'rule form', path: `/rules/${ids.rule}` },
    { name: 'new rule', path: '/rules/new' },
    { name: 'checks', path: '/checks' },
    { name: 'silences', path: '/silences' },
    { name: 'proposals', path: '/proposals' },
    { name: 'API tokens', path: '/settings/api-tokens' },
    { name: 'audit log', path: '/audit' },
  ];

  /** "outbound detail" → "outbound-detail": a screenshot's file name. */
  const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

  /** Until the page has its heading and nothing says "Loading…". */
  async function settled(page: Page): Promise<void> {
    await page.locator('main h1').first().waitFor();
    await page.waitForFunction(
      () => !(globalThis as unknown as BrowserGlobals).document.querySelectorAll('.loading').length,
    );
  }

  /** How wide the document is, and the elements that stick out past the screen's right edge (for the message). */
  const overflow = (page: Page) =>
    page.evaluate(() => {
      const browser = globalThis as unknown as BrowserGlobals;
      const width = browser.innerWidth;
      const wide = Array.from(browser.document.querySelectorAll('main *, header *'))
        .filter((element) => element.getBoundingClientRect().right > width + 0.5)
        .slice(-3)
        .map((element) => element.outerHTML.slice(0, 160));
      return { scrollWidth: browser.document.documentElement.scrollWidth, wide };
    });

  for (const width of [360, 390]) {
    it(`fits every page in ${width} px, with no sideways scrolling`, async () => {
      const page = await harness.signedIn('/', 'light', width);
      const found: Array<{ page: string; scrollWidth: number; wide: string[] }> = [];
      for (const { name, path } of pages()) {
        await page.goto(`${harness.origin}${path}`);
        await settled(page);
        const measured = await overflow(page);
        if (measured.scrollWidth > width) found.push({ page: name, ...measured });
      }
      expect(found).toEqual([]);
    }, 120_000);
  }

  /**
   * Each table on the page whose header cells do not stand over the cells of its first row (a table
   * some style lays out as something else), with where each starts, so a failure names it.
   */
  const misalignedTables = (page: Page) =>
    page.evaluate(() => {
      interface Cell {
        colSpan?: number;
        getBoundingClientRect(): { left: number };
      }
      interface Table {
        className: string;
        querySelector(selector: string): { children: ArrayLike<Cell> } | null;
      }
      const doc = (globalThis as unknown as { document: { querySelectorAll(selector: string): ArrayLike<Table> } })
        .document;
      const starts = (cells: ArrayLike<Cell>) =>
        Array.from(cells).map((c) => Math.round(c.getBoundingClientRect().left));
      return Array.from(doc.querySelectorAll('main table')).flatMap((table) => {
        const head = table.querySelector('thead tr');
        const row = table.querySelector('tbody tr');
        if (!head || !row || Array.from(row.children).some((c) => (c.colSpan ?? 1) > 1)) return [];
        const [header, cells] = [starts(head.children), starts(row.children)];
        const aligned = header.length === cells.length && header.every((x, i) => Math.abs(x - cells[i]) <= 1);
        return aligned ? [] : [`table.${table.className}: header cells at ${header}, row cells at ${cells}`];
      });
    });

  it("lines up every table's header with its rows on a wide screen", async () => {
    const page = await harness.signedIn('/', 'light', 1280);
    const found: Array<{ page: string; tables: string[] }> = [];
    let measured = 0;
    for (const { name, path } of pages()) {
      await page.goto(`${harness.origin}${path}`);
      await settled(page);
      measured += await page.locator('main table tbody tr').count();
      const tables = await misalignedTables(page);
      if (tables.length) found.push({ page: name, tables });
    }
    expect(found).toEqual([]);
    expect(measured).toBeGreaterThan(5); // the pages had rows to measure
  }, 120_000);

  it('opens the menu on a phone, by keyboard too, and closes it with Escape', async () => {
    const page = await harness.signedIn('/timeline', 'light', 390);
    await settled(page);
    const menu = page.getByRole('button', { name: 'Menu' });
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.isVisible()).resolves.toBe(false);
    await menu.focus();
    await page.keyboard.press('Enter');
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('true');
    await nav.waitFor();
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'menu');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Escape');
    await nav.waitFor({ state: 'hidden' });
    await expect(isFocused(menu)).resolves.toBe(true);
    // Following a link closes it too.
    await menu.click();
    await nav.getByRole('link', { name: 'Proposals' }).click();
    await page.waitForURL(/\/proposals/);
    await nav.waitFor({ state: 'hidden' });
  });

  for (const [scheme, width] of [
    ['light', 390],
    ['dark', 390],
    ['light', 1280],
    ['dark', 1280],
  ] as const) {
    it(`has no accessibility violations of any impact on any page (${scheme}, ${width} px)`, async () => {
      const page = await harness.signedIn('/', scheme, width);
      const found: Array<{ page: string; violations: unknown[] }> = [];
      for (const { name, path } of pages()) {
        await page.goto(`${harness.origin}${path}`);
        await settled(page);
        const violations = await harness.accessibilityViolations(page, { every: true });
        if (violations.length) found.push({ page: name, violations });
        // The phone-width pictures of docs/screenshots, and the desktop ones of the pages whose own
        // suites take none (the rest come from each page's suite, in the states it sets up).
        if (width < 800) await harness.screenshot(page, slug(name), scheme);
        else if (DESKTOP_SHOTS[name]) await harness.screenshot(page, DESKTOP_SHOTS[name], scheme);
      }
      expect(found).toEqual([]);
    }, 120_000);
  }
});
