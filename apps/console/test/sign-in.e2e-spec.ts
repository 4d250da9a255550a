import type { BrowserGlobals } from './browser-globals';
import { ConsoleHarness } from './console-harness';

/** The console's front door: served at `/` of the one origin, sign-in with the tenant API token, and its safety. */
describe('console: sign-in and the page itself', () => {
  let harness: ConsoleHarness;

  beforeAll(async () => {
    harness = await ConsoleHarness.start('signin');
  }, 150_000);

  afterAll(async () => {
    await harness?.stop();
  });

  it('serves the console at / with headers that keep it to this origin', async () => {
    const response = await fetch(`${harness.origin}/timeline?type=deploy.*`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/connect-src 'self'/);
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await response.text()).toContain('<div id="root"></div>');
    // API paths stay the API's, with problem+json for unknown ones.
    const unknown = await fetch(`${harness.origin}/api/v1/nowhere`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('signs in with the tenant API token, says why a wrong one fails, and keeps the token in this tab only', async () => {
    const page = await harness.page();
    await page.goto(`${harness.origin}/alerts`);
    // Not signed in: sent to sign-in, and back to where it was going afterwards.
    await page.waitForURL(/\/sign-in\?next=/);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'sign-in');
    // The same page in the dark scheme: readable, and as accessible.
    const darkSignIn = await harness.page('dark');
    await darkSignIn.goto(`${harness.origin}/sign-in`);
    await darkSignIn.getByLabel('Tenant API token').waitFor();
    expect(await harness.accessibilityViolations(darkSignIn, { every: true })).toEqual([]);
    await harness.screenshot(darkSignIn, 'sign-in', 'dark');

    await page.getByLabel('Tenant API token').fill('daalu_at_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/unauthorized|invalid|token/i);

    await page.getByLabel('Tenant API token').fill(harness.tenant.apiToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/alerts$/);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();

    const storage = await page.evaluate(() => {
      const browser = globalThis as unknown as BrowserGlobals;
      return {
        session: Object.values(browser.sessionStorage),
        local: Object.values(browser.localStorage),
        cookies: browser.document.cookie,
      };
    });
    expect(storage.session).toContain(harness.tenant.apiToken);
    expect(storage.local.join()).not.toContain(harness.tenant.apiToken);
    expect(storage.cookies).toBe('');

    // Every request the console made went to this origin, and only API calls carried the token.
    const requests: Array<{ url: string; auth: string | undefined }> = [];
    page.on('request', (request) => requests.push({ url: request.url(), auth: request.headers().authorization }));
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.url.startsWith(harness.origin))).toBe(true);
    expect(requests.filter((r) => r.auth).every((r) => new URL(r.url).pathname.startsWith('/api/'))).toBe(true);

    // Sign out: the token is gone.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    const left = await page.evaluate(() => Object.values((globalThis as unknown as BrowserGlobals).sessionStorage));
    expect(left.join()).not.toContain(harness.tenant.apiToken);
  });
  it('follows the system’s dark mode, keeps a chosen theme, and starts keyboard users with a skip link', async () => {
    const dark = await harness.signedIn('/alerts', 'dark');
    const background = () =>
      dark.evaluate(() => {
        const browser = globalThis as unknown as BrowserGlobals;
        return browser.getComputedStyle(browser.document.body).backgroundColor;
      });
    await expect(background()).resolves.toBe('rgb(13, 17, 23)');
    await dark.getByLabel('Theme').selectOption('light');
    await expect(background()).resolves.toBe('rgb(245, 246, 248)');
    await dark.reload();
    await dark.getByRole('navigation', { name: 'Main' }).waitFor();
    await expect(background()).resolves.toBe('rgb(245, 246, 248)'); // the choice is kept
    await dark.getByLabel('Theme').selectOption('system');
    await expect(background()).resolves.toBe('rgb(13, 17, 23)');

    // Keyboard: the first Tab lands on "Skip to content", which moves focus to the page itself.
    await dark.keyboard.press('Tab');
    const focused = () =>
      dark.evaluate(() => {
        const active = (globalThis as unknown as BrowserGlobals).document.activeElement;
        return { id: active?.id, text: active?.textContent?.trim() };
      });
    await expect(focused()).resolves.toMatchObject({ text: 'Skip to content' });
    await dark.keyboard.press('Enter');
    await expect(focused()).resolves.toMatchObject({ id: 'main' });
  });
});
