import type { Page } from 'playwright-core';
import type { Alert, AlertRule as Rule } from '@daalu/client';
import { ConsoleHarness } from './console-harness';
import { eventually, focusLost, isFocused, overflowing } from './page-probes';

/** A datetime-local input's value (minutes), in the browser's own time zone, `offsetMs` from now. */
const localTime = (page: Page, offsetMs: number) =>
  page.evaluate((ms) => {
    const d = new Date(Date.now() + ms);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }, offsetMs);

interface Silence {
  id: string;
  state: 'pending' | 'active' | 'expired';
  matchers: { ruleId?: string; groupKey?: string };
  comment: string;
  expiredBy: string | null;
}

/** Acting on alerts (acknowledge, resolve, silence) and the Silences page. */
describe('console: acting on alerts, and silences', () => {
  let harness: ConsoleHarness;
  let rule: Rule;

  beforeAll(async () => {
    harness = await ConsoleHarness.start('alerts');
    const created = await harness.api<Rule>('/api/v1/alert-rules', {
      method: 'POST',
      json: {
        name: 'disk full',
        kind: 'match',
        match: { type: 'disk.full' },
        groupBy: 'payload.host',
        alert: { severity: 'critical', summary: 'disk full on {{payload.host}}' },
      },
    });
    expect(created.status).toBe(201);
    rule = created.body;
  }, 150_000);

  afterAll(async () => {
    await harness?.stop();
  });

  const alertsOf = async (host: string) =>
    (await harness.api<{ items: Alert[] }>(`/api/v1/alerts?ruleId=${rule.id}`)).body.items.filter(
      (a) => a.groupKey === host,
    );
  /** Sends `disk.full` for a host and waits for its firing alert. */
  const fire = async (host: string): Promise<Alert> => {
    await harness.ingest({ type: 'disk.full', source: 'monitor', summary: `disk full on ${host}`, payload: { host } });
    const alerts = await eventually(
      () => alertsOf(host),
      (items) => items.some((a) => a.state === 'firing'),
    );
    const firing = alerts.find((a) => a.state === 'firing');
    expect(firing).toBeDefined();
    return firing!;
  };
  const alertById = async (id: string) =>
    (await harness.api<{ items: Alert[] }>(`/api/v1/alerts?ruleId=${rule.id}&limit=500`)).body.items.find(
      (a) => a.id === id,
    )!;
  const card = (page: Page, summary: string) =>
    page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: summary, exact: true }) });

  it('acknowledges, takes back and resolves an alert from its card, keeping the focus where it was', async () => {
    const alert = await fire('backup-1');
    const page = await harness.signedIn('/alerts');
    const backup1 = card(page, 'disk full on backup-1');
    await backup1.waitFor();
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);

    // Acknowledge: the same button turns into Unacknowledge, and keeps the focus.
    const toggle = backup1.getByRole('button', { name: /^(Acknowledge|Unacknowledge) “disk full on backup-1”$/ });
    await expect(toggle.textContent()).resolves.toMatch(/^Acknowledge/);
    await toggle.focus();
    await page.keyboard.press('Enter');
    const badges = backup1.getByRole('list', { name: 'Alert status' });
    await badges.getByText(/^Acknowledged by initial \(dat_/).waitFor();
    await expect(toggle.textContent()).resolves.toMatch(/^Unacknowledge/);
    await expect(isFocused(toggle)).resolves.toBe(true);
    const acknowledged = await alertById(alert.id);
    expect(acknowledged.state).toBe('firing');
    expect(acknowledged.acknowledgedBy).toMatch(/^initial \(dat_/);
    await harness.screenshot(page, 'alerts-acknowledged');

    // The State filter, in the URL: acknowledged and not.
    await page.getByLabel('State').selectOption('acknowledged');
    await page.waitForURL(/state=acknowledged/);
    await backup1.waitFor();
    await page.getByLabel('State').selectOption('unacknowledged');
    await page.waitForURL(/state=unacknowledged/);
    await page.getByText('No alerts match these filters').waitFor();
    await page.goto(`${harness.origin}/alerts`);
    await backup1.waitFor();

    // Take it back: focus stays on the button again.
    await toggle.click();
    await expect(
      eventually(
        () => toggle.textContent(),
        (t) => /^Acknowledge/.test(t ?? ''),
      ),
    ).resolves.toMatch(/^Acknowledge/);
    await expect(isFocused(toggle)).resolves.toBe(true);
    await expect(badges.getByText(/^Acknowledged by/).count()).resolves.toBe(0);
    expect((await alertById(alert.id)).acknowledgedBy).toBeNull();

    // Resolve: the dialog focuses its note; Escape closes it and gives the focus back to the button.
    const resolveButton = backup1.getByRole('button', { name: 'Resolve “disk full on backup-1”' });
    await resolveButton.click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    await expect(isFocused(dialog.getByLabel('Note (optional)'))).resolves.toBe(true);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect(isFocused(resolveButton)).resolves.toBe(true);
    expect((await alertById(alert.id)).state).toBe('firing');

    await resolveButton.click();
    await dialog.getByLabel('Note (optional)').fill('disk swapped');
    await dialog.getByRole('button', { name: 'Resolve', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await badges.getByText(/^Resolved by initial \(dat_.*: disk swapped$/).waitFor();
    await expect(backup1.textContent()).resolves.toMatch(/✓ resolved/);
    await expect(backup1.getByRole('button', { name: /Resolve|acknowledge/i }).count()).resolves.toBe(0);
    // The card keeps the focus its Resolve button had.
    await expect(eventually(() => isFocused(backup1), Boolean, 5000)).resolves.toBe(true);
    expect(await focusLost(page)).toBe(false);
    expect(await alertById(alert.id)).toMatchObject({
      state: 'resolved',
      resolveReason: 'manual',
      resolveNote: 'disk swapped',
    });
    expect((await alertById(alert.id)).resolvedBy).toMatch(/^initial \(dat_/);
  });

  it('creates a silence from an alert (its errors next to its fields) and expires it on the Silences page', async () => {
    const alert = await fire('backup-2');
    const page = await harness.signedIn('/alerts?state=firing');
    const backup2 = card(page, 'disk full on backup-2');
    await backup2.waitFor();
    const silenceButton = backup2.getByRole('button', { name: 'Silence… “disk full on backup-2”' });
    await silenceButton.click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    // Prefilled with the alert's rule and group; the first field has the focus.
    const ruleSelect = dialog.getByLabel('Rule', { exact: true });
    await expect(isFocused(ruleSelect)).resolves.toBe(true);
    await expect(
      eventually(
        () => ruleSelect.inputValue(),
        (v) => v === rule.id,
      ),
    ).resolves.toBe(rule.id);
    await expect(dialog.getByLabel('Group', { exact: true }).inputValue()).resolves.toBe('backup-2');
    await expect(dialog.textContent()).resolves.toMatch(/This alert is firing already, so it is not covered/);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);

    // An end in the past: the API's words beside the field, which takes the focus.
    await dialog.getByLabel('Ends (required)').fill('2020-01-01T10:00');
    await dialog.getByRole('button', { name: 'Create silence' }).click();
    const endsError = dialog.locator('#f-endsAt-error');
    await expect(endsError.textContent()).resolves.toMatch(/endsAt must be/);
    await expect(dialog.getByLabel('Ends (required)').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(isFocused(dialog.getByLabel('Ends (required)'))).resolves.toBe(true);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'silence-form-errors');
    expect((await harness.api<{ items: Silence[] }>('/api/v1/silences')).body.items).toHaveLength(0);

    await dialog.getByLabel('Ends (required)').fill(await localTime(page, 2 * 3_600_000));
    await dialog.getByLabel('Comment (optional)').fill('disk swap on backup-2');
    await dialog.getByRole('button', { name: 'Create silence' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect(isFocused(silenceButton)).resolves.toBe(true);
    await backup2.getByText(/^Silence created, until/).waitFor();
    const [silence] = (await harness.api<{ items: Silence[] }>('/api/v1/silences')).body.items;
    expect(silence).toMatchObject({
      state: 'active',
      matchers: { ruleId: rule.id, groupKey: 'backup-2' },
      comment: 'disk swap on backup-2',
    });

    // The next alert of that group fires silenced: the Silenced filter and badge show it.
    await harness.api(`/api/v1/alerts/${alert.id}/resolve`, { method: 'POST', json: {} });
    const silenced = await fire('backup-2');
    expect(silenced.silencedBy).toBe(silence.id);
    await page.getByLabel('State').selectOption('silenced');
    await page.waitForURL(/state=silenced/);
    await backup2.getByRole('link', { name: 'Silenced' }).waitFor();
    await expect(page.getByRole('heading', { name: 'disk full on backup-1' }).count()).resolves.toBe(0);

    // Expire it on the Silences page, after a confirmation.
    await page.getByRole('navigation', { name: 'Alerts and silences' }).getByRole('link', { name: 'Silences' }).click();
    await page.waitForURL(/\/silences$/);
    const silenceCard = page.getByRole('listitem').filter({ hasText: 'disk swap on backup-2' });
    await silenceCard.waitFor();
    await expect(silenceCard.getByRole('heading').textContent()).resolves.toBe('rule disk full, group backup-2');
    await expect(silenceCard.textContent()).resolves.toMatch(/active/);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await harness.screenshot(page, 'silences');
    const expire = silenceCard.getByRole('button', { name: /^Expire now/ });
    await expire.click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect(isFocused(expire)).resolves.toBe(true);
    expect((await harness.api<Silence>(`/api/v1/silences/${silence.id}`)).body.state).toBe('active');
    await expire.click();
    await confirm.getByRole('button', { name: 'Expire silence' }).click();
    await silenceCard.getByText(/ended early by initial \(dat_/).waitFor();
    await expect(silenceCard.textContent()).resolves.toMatch(/expired/);
    await expect(
      eventually(
        () => focusLost(page),
        (lost) => !lost,
        5000,
      ),
    ).resolves.toBe(false);
    const expired = (await harness.api<Silence>(`/api/v1/silences/${silence.id}`)).body;
    expect(expired.state).toBe('expired');
    expect(expired.expiredBy).toMatch(/^initial \(dat_/);
    // Ended: the alert it covered is delivered now, no longer silenced.
    await expect(
      eventually(
        async () => (await alertById(silenced.id)).silencedBy,
        (by) => by === null,
      ),
    ).resolves.toBeNull();

    // A new silence from the Silences page, with its own button.
    await page.getByRole('button', { name: 'New silence…' }).click();
    await confirm.waitFor();
    await expect(isFocused(confirm.getByLabel('Rule', { exact: true }))).resolves.toBe(true);
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    // The dialog hands focus back once it has closed (a frame after it leaves the page).
    await expect(
      eventually(() => isFocused(page.getByRole('button', { name: 'New silence…' })), Boolean, 5000),
    ).resolves.toBe(true);
  });

  it('says plainly that an absence alert carries no context', async () => {
    const absence = await harness.api<Rule>('/api/v1/alert-rules', {
      method: 'POST',
      json: {
        name: 'cron heartbeat',
        kind: 'absence',
        match: { type: 'cron.heartbeat' },
        everySeconds: 1,
        alert: { severity: 'warning', summary: 'cron stopped' },
      },
    });
    expect(absence.status).toBe(201);
    await eventually(
      async () => (await harness.api<{ items: Alert[] }>(`/api/v1/alerts?ruleId=${absence.body.id}`)).body.items,
      (items) => items.length > 0,
    );
    const page = await harness.signedIn(`/alerts?ruleId=${absence.body.id}`);
    const cronCard = card(page, 'cron stopped');
    await cronCard.waitFor();
    await expect(cronCard.textContent()).resolves.toMatch(
      /Absence alerts carry no context: they fire because nothing arrived/,
    );
    await expect(cronCard.textContent()).resolves.not.toMatch(/No deploy or other change/);
    await harness.api(`/api/v1/alert-rules/${absence.body.id}`, { method: 'DELETE' });
  });

  it('has no accessibility violations of any impact, light and dark, dialogs included', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await harness.signedIn('/alerts', scheme);
      await card(page, 'disk full on backup-1').waitFor();
      expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
      await harness.screenshot(page, 'alerts-actions', scheme);
      await page.getByRole('button', { name: 'New silence…' }).click();
      await page.getByRole('alertdialog').waitFor();
      expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
      await page.keyboard.press('Escape');
      await page.goto(`${harness.origin}/silences`);
      await page.getByRole('heading', { name: 'rule disk full, group backup-2' }).waitFor();
      expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
      await harness.screenshot(page, 'silences', scheme);
    }
  });

  it('fits a 360 px wide screen without sideways scrolling', async () => {
    const page = await harness.page();
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${harness.origin}/sign-in`);
    await page.getByLabel('Tenant API token').fill(harness.tenant.apiToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
    for (const [path, ready] of [
      ['/alerts', 'disk full on backup-1'],
      ['/silences', 'rule disk full, group backup-2'],
    ] as const) {
      await page.goto(`${harness.origin}${path}`);
      await page.getByRole('heading', { name: ready }).first().waitFor();
      expect({ path, overflowing: await overflowing(page, 360) }).toEqual({ path, overflowing: [] });
    }
  });
});
