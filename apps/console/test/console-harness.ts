import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import type { BrowserGlobals } from './browser-globals';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { CreatedTenant } from '@daalu/client';
import {
  createTestDatabase,
  createTestNats,
  freeConsecutivePorts,
  freePort,
  startProcess,
  type AppProcess,
  type TestDatabase,
  type TestNats,
} from '@daalu/testing';

/** Debian's Chromium (`.ci/run` installs it when missing); CHROMIUM_PATH overrides. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OPERATOR_TOKEN = 'console-test-operator-token';

export type ConsoleTenant = Pick<CreatedTenant, 'id' | 'ingestKey' | 'apiToken'>;

/**
 * The whole stack as `npm start` runs it (every app behind the one origin, which serves the built
 * console), a tenant, and headless Chromium driving the console like a user. One per test suite.
 */
export class ConsoleHarness {
  origin = '';
  tenant!: ConsoleTenant;
  private db?: TestDatabase;
  /** The suite's NATS (namespace, streams): for checking what landed on the log. */
  nats?: TestNats;
  private launcher?: AppProcess;
  private browser?: Browser;
  private contexts: BrowserContext[] = [];

  static async start(label: string, env: Record<string, string> = {}): Promise<ConsoleHarness> {
    const harness = new ConsoleHarness();
    harness.db = await createTestDatabase(`console_${label}`);
    harness.nats = await createTestNats(`console${label.replace(/[^a-z0-9]/gi, '')}`);
    const originPort = await freePort();
    harness.origin = `http://127.0.0.1:${originPort}`;
    harness.launcher = startProcess('tools/dev/start.js', [], {
      DATABASE_URL: harness.db.url,
      NATS_URL: harness.nats.url,
      DAALU_NAMESPACE: harness.nats.namespace,
      DAALU_PORT: String(originPort),
      DAALU_APP_PORTS_FROM: String(await freeConsecutivePorts(4)),
      DAALU_OPERATOR_TOKEN: OPERATOR_TOKEN,
      // Receivers in tests are on loopback; retries short so a failed delivery shows within seconds.
      DAALU_OUTBOUND_ALLOW: '127.0.0.0/8',
      DAALU_RETRY_BASE_MS: '200',
      DAALU_RETRY_WINDOW_S: '2',
      ...env,
    });
    await harness.launcher.waitForLine(/Press Ctrl-C to stop/, 120_000);
    harness.tenant = await harness.createTenant('console-test');
    harness.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
    return harness;
  }

  async createTenant(name: string): Promise<ConsoleTenant> {
    const response = await fetch(`${this.origin}/api/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    if (response.status !== 201) throw new Error(`tenant: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as CreatedTenant;
    return { id: body.id, ingestKey: body.ingestKey, apiToken: body.apiToken };
  }

  /** The tenant's API, as a script would call it (to set the scene, or to check what the console did). */
  async api<T>(path: string, init: { method?: string; json?: unknown } = {}): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.origin}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${this.tenant.apiToken}`,
        ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** POSTs an event with the tenant's ingest key, as the curl of docs/product.md does. */
  async ingest(event: object): Promise<string> {
    const response = await fetch(`${this.origin}/api/v1/events`, {
      method: 'POST',
      headers: { 'x-daalu-key': this.tenant.ingestKey, 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    if (response.status !== 202) throw new Error(`ingest: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { id: string }).id;
  }

  /** A fresh browser page (its own storage), light or dark; 1280 px wide unless `width` says (a phone: 390). */
  async page(colorScheme: 'light' | 'dark' = 'light', width = 1280): Promise<Page> {
    const context = await this.browser!.newContext({
      colorScheme,
      viewport: { width, height: width < 800 ? 844 : 900 },
      ...(width < 800 ? { isMobile: true, hasTouch: true } : {}),
    });
    this.contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  /** A page signed in as the tenant, at `path` (`width`: as for page()). */
  async signedIn(path = '/', colorScheme: 'light' | 'dark' = 'light', width?: number): Promise<Page> {
    const page = await this.page(colorScheme, width);
    await page.goto(`${this.origin}/sign-in`);
    await page.getByLabel('Tenant API token').fill(this.tenant.apiToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
    if (path !== '/') await page.goto(`${this.origin}${path}`);
    return page;
  }

  /**
   * axe-core's scan of the page as it is: the serious and critical violations, or with `{ every: true }`
   * the violations of any impact, minor and moderate too (an empty list passes). Injected with
   * `evaluate`, which the page's Content-Security-Policy does not block (a script tag would be).
   */
  async accessibilityViolations(
    page: Page,
    options: { every?: boolean } = {},
  ): Promise<Array<{ id: string; impact: string; help: string; nodes: string[] }>> {
    await page.evaluate(axe.source);
    const results = await page.evaluate(() => {
      const browser = globalThis as unknown as BrowserGlobals;
      return browser.axe.run(browser.document, { resultTypes: ['violations'] });
    });
    return results.violations
      .filter((v) => options.every || v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact!, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  }

  /**
   * With DAALU_SCREENSHOTS=<dir> (see docs/screenshots/README.md), saves the page as <name>-<scheme>.png
   * there (a phone-width page as <name>-phone-<scheme>.png); otherwise does nothing, so ordinary test
   * runs write no files.
   */
  async screenshot(page: Page, name: string, colorScheme: 'light' | 'dark' = 'light'): Promise<void> {
    const dir = process.env.DAALU_SCREENSHOTS;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const viewport = page.viewportSize() ?? { width: 1280, height: 900 };
    const phone = viewport.width < 800;
    const path = join(dir, `${name}${phone ? '-phone' : ''}-${colorScheme}.png`);
    if (phone) {
      await page.screenshot({ path, fullPage: true });
      return;
    }
    // The wide screen's sidebar is fixed to the viewport: a window as tall as the page draws it beside
    // all of the page, as someone scrolling sees it, instead of ending one screen down.
    const height = await page.evaluate(
      () => (globalThis as unknown as BrowserGlobals).document.documentElement.scrollHeight,
    );
    await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height) });
    try {
      await page.screenshot({ path });
    } finally {
      await page.setViewportSize(viewport);
    }
  }

  async stop(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => undefined);
    await this.browser?.close().catch(() => undefined);
    if (this.launcher && this.launcher.child.exitCode === null) {
      this.launcher.child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.launcher.exited, new Promise((r) => (timer = setTimeout(r, 15_000)))]);
      clearTimeout(timer);
      await this.launcher.stop('SIGKILL');
    }
    await this.nats?.cleanup();
    await this.db?.drop();
  }
}
