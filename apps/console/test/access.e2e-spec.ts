import type { Page } from 'playwright-core';
import type { Schema } from '@daalu/client';
import { eventually } from '@daalu/testing';
import type { BrowserGlobals } from './browser-globals';
import { ConsoleHarness } from './console-harness';
import { focusLost, isFocused } from './page-probes';

type ApiToken = Schema<'ApiToken'>;
type AuditPage = Schema<'AuditPage'>;
type IngestKeyState = Schema<'IngestKeyState'>;

/** Settings → API tokens, the audit log and the ingest key's rotation state, against the real stack. */
describe('console: access (API tokens, audit log, ingest key)', () => {
  let harness: ConsoleHarness;
  /** The tenant's first token as the audit log names its actor: `initial (dat_…)`. */
  let initialActor: string;

  beforeAll(async () => {
    harness = await ConsoleHarness.start('access');
    const tokens = (await harness.api<{ items: ApiToken[] }>('/api/v1/api-tokens')).body.items;
    const initial = tokens.find((t) => harness.tenant.apiToken.startsWith(t.prefix.replace(/…$/, '')))!;
    initialActor = `${initial.name} (${initial.prefix})`;
  }, 150_000);

  afterAll(async () => {
    await harness?.stop();
  });

  const focused = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.textContent ?? '');
  const tokenStatus = async (token: string) =>
    (await fetch(`${harness.origin}/api/v1/events?limit=1`, { headers: { authorization: `Bearer ${token}` } })).status;

  /** The audit log as the API has it, once `done` holds (it is a projection of the log). */
  const audit = (query: string, done: (page: AuditPage) => boolean, what: string) =>
    eventually(async () => (await harness.api<AuditPage>(`/api/v1/audit?${query}`)).body, done, {
      what,
      timeoutMs: 20_000,
    });

  it('creates a write token shown once with Copy, lists it once the dialog closes, and revokes it after a confirmation', async () => {
    const page = await harness.signedIn('/settings/api-tokens');
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.getByRole('row', { name: /this session/ }).waitFor();
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'settings-api-tokens');

    // The dialog opens on its first control, and explains each scope.
    await page.getByRole('button', { name: 'New token' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'New API token' });
    await dialog.waitFor();
    await expect(isFocused(dialog.getByLabel('Name'))).resolves.toBe(true);
    const text = await dialog.textContent();
    expect(text).toMatch(/timeline, alerts and delivery history/);
    expect(text).toMatch(/every change/);
    expect(text).toMatch(/API tokens, the ingest key, signing secrets/);
    await dialog.getByLabel('Name').fill('deploy bot');
    await dialog.getByRole('radio', { name: 'Write' }).check();
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await dialog.getByRole('button', { name: 'Create token' }).click();

    // Shown once, with Copy and a plain warning.
    const created = page.getByRole('alertdialog', { name: 'API token created' });
    const token = (await created.getByTestId('new-api-token').textContent())!;
    expect(token).toMatch(/^dat_/);
    await expect(created.textContent()).resolves.toMatch(/you will not see it again/);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: harness.origin });
    await created.getByRole('button', { name: 'Copy token' }).click();
    await expect(
      page.evaluate(() => (globalThis as unknown as BrowserGlobals).navigator.clipboard.readText()),
    ).resolves.toBe(token);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'settings-api-token-created');
    expect(await tokenStatus(token)).toBe(200);

    // Closed: focus back on New token, the token listed (and gone from the page).
    await created.getByRole('button', { name: 'Done' }).click();
    await created.waitFor({ state: 'detached' });
    await expect(focused(page)).resolves.toBe('New token');
    const row = page.getByRole('row', { name: /deploy bot/ });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('write');
    await expect(row.textContent()).resolves.toContain(token.slice(0, 8));
    expect(await page.content()).not.toContain(token);
    const listed = (await harness.api<{ items: ApiToken[] }>('/api/v1/api-tokens')).body.items;
    expect(listed.find((t) => t.name === 'deploy bot')?.scopes).toEqual(['write']);

    // Revoke: a confirmation focused on its first control; then focus on the message, not <body>.
    await row.getByRole('button', { name: /^Revoke/ }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Revoke the API token “deploy bot”?' });
    await confirm.waitFor();
    await expect(focused(page)).resolves.toBe('Cancel');
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await page.getByRole('status').filter({ hasText: 'Revoked “deploy bot”' }).waitFor();
    await row.waitFor({ state: 'detached' });
    expect(await focusLost(page)).toBe(false);
    await expect(focused(page)).resolves.toMatch(/Revoked “deploy bot”/);
    await eventually(
      () => tokenStatus(token),
      (status) => status === 401,
      { what: 'the revoked token refused' },
    );
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
  });

  it('says plainly that the last admin token cannot be revoked', async () => {
    const page = await harness.signedIn('/settings/api-tokens');
    const row = page.getByRole('row', { name: /this session/ });
    await row.getByRole('button', { name: /^Revoke/ }).click();
    const confirm = page.getByRole('alertdialog');
    await expect(confirm.textContent()).resolves.toMatch(/This console is signed in with it/);
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/this is the tenant’s last admin token/);
    expect(await focusLost(page)).toBe(false);
    // Still there, still working.
    await row.waitFor();
    expect(await tokenStatus(harness.tenant.apiToken)).toBe(200);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
  });

  it('the audit log lists the token issued and revoked with their actor; filters go in the URL; Load older keeps focus', async () => {
    await audit(
      'action=api-token.*',
      (p) => p.items.some((e) => e.action === 'api-token.revoked' && e.target.name === 'deploy bot'),
      'the revocation in the audit log',
    );
    const page = await harness.signedIn('/audit');
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const issued = page.getByRole('row').filter({ hasText: 'api-token.issued' }).filter({ hasText: 'deploy bot' });
    const revoked = page.getByRole('row').filter({ hasText: 'api-token.revoked' }).filter({ hasText: 'deploy bot' });
    await expect(issued.textContent()).resolves.toContain(initialActor);
    await expect(issued.textContent()).resolves.toContain('scopes=write');
    await expect(revoked.textContent()).resolves.toContain(initialActor);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'audit');

    // A prefix of the select, and the actor: in the URL, the rows follow.
    await page.getByLabel('Action').selectOption('api-token.*');
    await page.getByLabel('Actor').fill('INITIAL');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('action') === 'api-token.*');
    expect(new URL(page.url()).searchParams.get('actor')).toBe('INITIAL');
    await eventually(
      async () => page.locator('tbody tr td:nth-child(2)').allTextContents(),
      (actions) => actions.length > 0 && actions.every((a) => a.startsWith('api-token.')),
      { what: 'only api-token rows' },
    );
    await page.getByLabel('Action').selectOption('webhook.*');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No entries match these filters').waitFor();
    await page.goBack();
    await issued.waitFor();

    // More than a page: Load older moves focus to the first new row, never <body>.
    for (let i = 0; i < 50; i++) {
      const answer = await harness.api('/api/v1/api-tokens', {
        method: 'POST',
        json: { name: `bulk ${i}`, scopes: ['read'] },
      });
      expect(answer.status).toBe(201);
    }
    await audit(
      'action=api-token.issued&actor=initial&limit=200',
      (p) => p.items.filter((e) => e.target.name?.startsWith('bulk ')).length === 50,
      'the bulk tokens in the audit log',
    );
    await page.goto(`${harness.origin}/audit?action=api-token.*`);
    await page.getByText('Showing 50 entries.').waitFor();
    const more = page.getByRole('button', { name: 'Load older' });
    await more.focus();
    await page.keyboard.press('Enter');
    await page.getByText(/Showing 5\d entries\./).waitFor();
    await page.getByText('No older entries match.').waitFor();
    expect(await focusLost(page)).toBe(false);
    await expect(isFocused(page.locator('[data-audit-row="50"]'))).resolves.toBe(true);
    const ids = await page.locator('tbody tr').count();
    expect(ids).toBeGreaterThan(50);
  });

  it('shows the 403 detail when the signed-in token lacks the scope', async () => {
    const created = await harness.api<{ token: string }>('/api/v1/api-tokens', {
      method: 'POST',
      json: { name: 'reader', scopes: ['read'] },
    });
    expect(created.status).toBe(201);
    const page = await harness.page();
    await page.goto(`${harness.origin}/sign-in`);
    await page.getByLabel('Tenant API token').fill(created.body.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));

    await page.goto(`${harness.origin}/settings/api-tokens`);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/needs the admin scope/);
    await page.goto(`${harness.origin}/audit`);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/admin scope/);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    // Reading the key's state needs only read; rotating says why not.
    await page.goto(`${harness.origin}/webhooks/inbound`);
    await page.getByTestId('ingest-key-current').waitFor();
    await page.getByRole('button', { name: 'Rotate ingest key' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Rotate' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/needs the admin scope/);
  });

  it('ingest key: after a rotation and a reload, shows the previous key and its expiry; Revoke old key now ends it', async () => {
    const oldKey = harness.tenant.ingestKey;
    const page = await harness.signedIn('/webhooks/inbound');
    await expect(page.getByTestId('ingest-key-previous').textContent()).resolves.toMatch(/^none/);
    await expect(page.getByTestId('ingest-key-current').textContent()).resolves.toBe(`${oldKey.slice(0, 8)}…`);

    await page.getByRole('button', { name: 'Rotate ingest key' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Rotate' }).click();
    const newKey = (await page.getByTestId('new-ingest-key').textContent())!;

    // After a reload the new key is gone from the page, but the rotation state is read from the API.
    await page.reload();
    const previous = page.getByTestId('ingest-key-previous');
    await expect(previous.textContent()).resolves.toContain(`${oldKey.slice(0, 8)}…`);
    const state = (await harness.api<IngestKeyState>('/api/v1/ingest-key')).body;
    await expect(previous.locator('time').getAttribute('datetime')).resolves.toBe(
      new Date(state.previous!.expiresAt).toISOString(),
    );
    await expect(previous.textContent()).resolves.toMatch(/still works for 2[34] hours, until /);
    await expect(page.getByTestId('ingest-key-current').textContent()).resolves.toBe(`${newKey.slice(0, 8)}…`);
    expect(await page.content()).not.toContain(newKey);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'webhooks-inbound-rotated');

    await page.getByRole('button', { name: 'Revoke old key now' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Revoke the old ingest key now?' });
    await expect(focused(page)).resolves.toBe('Cancel');
    await confirm.getByRole('button', { name: 'Revoke old key' }).click();
    await page.getByRole('status').filter({ hasText: 'is revoked' }).waitFor();
    await expect(previous.textContent()).resolves.toMatch(/^none/);
    await expect(page.getByRole('button', { name: 'Revoke old key now' }).count()).resolves.toBe(0);
    expect(await focusLost(page)).toBe(false);

    await page.reload();
    await expect(page.getByTestId('ingest-key-previous').textContent()).resolves.toMatch(/^none/);
    const post = (key: string) =>
      fetch(`${harness.origin}/api/v1/events`, {
        method: 'POST',
        headers: { 'x-daalu-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'deploy.finished', source: 'ci', summary: 'after the revocation' }),
      }).then((r) => r.status);
    await eventually(
      () => post(oldKey),
      (status) => status === 401,
      { what: 'the old key refused' },
    );
    expect(await post(newKey)).toBe(202);
  });

  it('API tokens and the audit log in dark mode, without accessibility violations', async () => {
    const dark = await harness.signedIn('/settings/api-tokens', 'dark');
    await dark.getByRole('row', { name: /this session/ }).waitFor();
    expect(await harness.accessibilityViolations(dark, { every: true })).toEqual([]);
    await harness.screenshot(dark, 'settings-api-tokens', 'dark');
    await dark.getByRole('button', { name: 'New token' }).click();
    await dark.getByRole('alertdialog', { name: 'New API token' }).waitFor();
    expect(await harness.accessibilityViolations(dark, { every: true })).toEqual([]);
    await dark.keyboard.press('Escape');
    await expect(focused(dark)).resolves.toBe('New token');
    await dark.getByRole('link', { name: 'Audit log' }).first().click();
    await dark.getByRole('heading', { name: 'Audit log' }).waitFor();
    await dark.getByText(/Showing \d+ entries/).waitFor();
    expect(await harness.accessibilityViolations(dark, { every: true })).toEqual([]);
    await harness.screenshot(dark, 'audit', 'dark');
  });
});
