import type { Page } from 'playwright-core';
import type { Proposal } from '@daalu/client';
import { eventually } from '@daalu/testing';
import type { BrowserGlobals } from './browser-globals';
import { ConsoleHarness } from './console-harness';
import { runCurl } from './run-snippets';

/**
 * Keyboard use where an action takes away what had focus: dialogs open on their first field, and
 * after Approve, Reject or a refused form focus lands somewhere sensible, never on <body>.
 */
describe('console: keyboard and focus', () => {
  let harness: ConsoleHarness;

  beforeAll(async () => {
    harness = await ConsoleHarness.start('keyboard');
  }, 150_000);

  afterAll(async () => {
    await harness?.stop();
  });

  /** What has focus: its tag, id, text and (a proposal card) which proposal. */
  const focused = (page: Page) =>
    page.evaluate(() => {
      const active = (globalThis as unknown as BrowserGlobals).document.activeElement;
      return {
        tag: active?.tagName,
        id: active?.id,
        text: active?.textContent?.trim(),
        proposal: active?.getAttribute('data-proposal-id'),
      };
    });

  const propose = async (title: string) =>
    (
      await harness.api<Proposal>('/api/v1/proposals', {
        method: 'POST',
        json: { kind: 'change', title, payload: { service: 'api' } },
      })
    ).body;

  it('shows how to propose a change when there is none, as a curl that works as shown', async () => {
    const page = await harness.signedIn('/proposals');
    await page.getByText('No proposals yet').waitFor();
    const curl = (await page.getByRole('figure', { name: 'Propose a change' }).locator('pre').textContent())!;
    expect(curl).toContain(`curl -X POST '${harness.origin}/api/v1/proposals'`);
    expect(await runCurl(curl, { DAALU_TOKEN: harness.tenant.apiToken })).toBe(201);
    const { items } = (await harness.api<{ items: Proposal[] }>('/api/v1/proposals')).body;
    expect(items.map((p) => p.title)).toEqual(['scale api to 6']);
    await harness.api(`/api/v1/proposals/${items[0].id}/reject`, { method: 'POST', json: { reason: 'only a try' } });
  });

  it('approves by keyboard: the dialog starts on its name field, a space does not close it, and focus moves on to the next proposal', async () => {
    const older = await propose('roll back api to a1b2c3d');
    const newer = await propose('scale web to 4');
    const page = await harness.signedIn('/proposals?state=pending');
    const approve = page.getByRole('button', { name: 'Approve “scale web to 4”' });
    await approve.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    // The first field has focus, not Cancel: a name with a space is typed, not a click on Cancel.
    await expect(focused(page)).resolves.toMatchObject({ id: `approve-by-${newer.id}` });
    await page.keyboard.type('Ada Lovelace');
    await expect(dialog.isVisible()).resolves.toBe(true);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await eventually(
      async () => (await harness.api<Proposal>(`/api/v1/proposals/${newer.id}`)).body.state,
      (state) => state === 'approved',
      { what: 'the approval' },
    );
    // The approved one left the pending list with its buttons: focus is on the next proposal.
    await page.getByRole('heading', { name: 'scale web to 4' }).waitFor({ state: 'detached' });
    await expect(focused(page)).resolves.toMatchObject({ tag: 'LI', proposal: older.id });
    expect((await harness.api<Proposal>(`/api/v1/proposals/${newer.id}`)).body.decidedBy).toBe('Ada Lovelace');

    // Reject the last one: no proposal is left, so the page's heading takes focus.
    await page.getByRole('button', { name: 'Reject “roll back api to a1b2c3d”' }).click();
    await dialog.waitFor();
    await expect(focused(page)).resolves.toMatchObject({ id: `reject-by-${older.id}` });
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await page.getByText('No pending proposals').waitFor();
    await expect(focused(page)).resolves.toMatchObject({ tag: 'H1', text: 'Change proposals' });
  });

  it('a refused decision focuses the field it names', async () => {
    const proposal = await propose('restart the cache');
    const page = await harness.signedIn('/proposals?state=pending');
    await page.getByRole('button', { name: 'Approve “restart the cache”' }).click();
    const dialog = page.getByRole('alertdialog');
    const reason = dialog.getByLabel('Reason (optional)');
    // The field stops typing at 1,000 characters; past that (a script, a paste) the API refuses it.
    await reason.evaluate((el) => el.removeAttribute('maxlength'));
    await reason.fill('x'.repeat(1001));
    await dialog.getByRole('button', { name: 'Approve' }).click();
    await dialog.locator('.field-error').waitFor();
    await expect(focused(page)).resolves.toMatchObject({ id: `approve-reason-${proposal.id}` });
  });

  it('a refused new token focuses its name', async () => {
    const page = await harness.signedIn('/settings/api-tokens');
    await page.getByRole('button', { name: 'New token' }).click();
    const dialog = page.getByRole('alertdialog');
    await expect(focused(page)).resolves.toMatchObject({ id: 'token-name' });
    // No name: the API refuses it, and says why next to the field, which takes focus.
    await dialog.getByRole('button', { name: 'Create token' }).click();
    await dialog.locator('#token-name-error').waitFor();
    await expect(focused(page)).resolves.toMatchObject({ id: 'token-name' });
  });
});
