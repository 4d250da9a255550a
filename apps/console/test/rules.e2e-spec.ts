import type { Page } from 'playwright-core';
import type { Alert, AlertRule as Rule, Proposal, Schema } from '@daalu/client';
import { ConsoleHarness } from './console-harness';
import { eventually, isFocused, overflowing } from './page-probes';

type Check = Schema<'Check'>;

/**
 * Alert rules (form for both kinds, errors next to fields, edit, conflict, delete), alerts, proposals, and
 * the heartbeat checks board of absence rules.
 */
describe('console: alert rules, alerts and proposals', () => {
  let harness: ConsoleHarness;

  beforeAll(async () => {
    harness = await ConsoleHarness.start('rules');
  }, 150_000);

  afterAll(async () => {
    await harness?.stop();
  });

  const rules = async () => (await harness.api<{ items: Rule[] }>('/api/v1/alert-rules')).body.items;

  it('shows empty states that say what to do next, with no accessibility violations', async () => {
    const page = await harness.signedIn('/rules');
    await page.getByText('No alert rules yet').waitFor();
    await expectText(page, /Create the first one with New rule/);
    expect(await harness.accessibilityViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.getByText('No alerts yet').waitFor();
    expect(await harness.accessibilityViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Proposals' }).click();
    await page.getByText('No proposals yet').waitFor();
    await expectText(page, /\/api\/v1\/proposals/);
    expect(await harness.accessibilityViolations(page)).toEqual([]);

    await page.goto(`${harness.origin}/rules/new`);
    await page.getByRole('heading', { name: 'New alert rule' }).waitFor();
    expect(await harness.accessibilityViolations(page)).toEqual([]);
    // The absence half of the form too.
    await page.getByLabel('Absence: alert when expected events stop').check();
    await page.getByLabel('Expected every (seconds, required)').waitFor();
    // No event fires an absence alert: its summary help says so, and what its pings are.
    await expectText(page, /No event fires an absence alert, so only the group’s placeholder has a value/);
    await expectText(page, /an event of the type above is a success ping/);
    expect(await harness.accessibilityViolations(page)).toEqual([]);
  });

  it('creates a rule from the form that fires an alert the Alerts page shows, with its deploys and a link to its events', async () => {
    const page = await harness.signedIn('/rules');
    await page.getByRole('link', { name: 'New rule' }).first().click();
    await page.waitForURL(/\/rules\/new$/);
    await page.getByLabel('Name (required)').fill('disk over 90%');
    await page.getByLabel('Event type', { exact: true }).fill('check.failed');
    await page.getByRole('button', { name: 'Add payload condition' }).click();
    await page.getByLabel('Field 1').fill('pct');
    await page.getByLabel('Operator 1').selectOption('gt');
    await page.getByLabel('Value 1').fill('90');
    await page.getByLabel('Group by').fill('payload.host');
    await page.getByLabel('Alert severity').selectOption('critical');
    await page.getByLabel('Summary template (required)').fill('disk on {{payload.host}} at {{payload.pct}}%');
    await page.getByRole('button', { name: 'Create rule' }).click();

    await page.waitForURL(/\/rules$/);
    // The form went: the rules page's heading has the focus, not the page's body.
    await expect(
      eventually(() => isFocused(page.getByRole('heading', { name: 'Alert rules', level: 1 })), Boolean, 5000),
    ).resolves.toBe(true);
    const row = page.getByRole('row', { name: /disk over 90%/ });
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/type check\.failed and payload\.pct > 90; per payload\.host/);
    await expect(row.textContent()).resolves.toMatch(/critical/);

    const [rule] = await rules();
    expect(rule).toMatchObject({
      name: 'disk over 90%',
      kind: 'match',
      match: { type: 'check.failed', payload: [{ field: 'pct', op: 'gt', value: 90 }] },
      groupBy: 'payload.host',
      alert: { severity: 'critical', summary: 'disk on {{payload.host}} at {{payload.pct}}%' },
    });

    await harness.ingest({ type: 'deploy.finished', source: 'github-actions', summary: 'deployed api a1b2c3d' });
    const quiet = await harness.ingest({
      type: 'check.failed',
      source: 'nightly-cron',
      summary: 'disk at 50%',
      payload: { host: 'backup-2', pct: 50 },
    });
    const firing = await harness.ingest({
      type: 'check.failed',
      source: 'nightly-cron',
      summary: 'disk at 93%',
      severity: 'warning',
      payload: { host: 'backup-1', pct: 93 },
    });
    const alerts = await eventually(
      async () => (await harness.api<{ items: Alert[] }>('/api/v1/alerts')).body.items,
      (items) => items.length > 0,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ ruleId: rule.id, state: 'firing', summary: 'disk on backup-1 at 93%' });
    expect(alerts[0].eventIds).toEqual([firing]);
    expect(alerts[0].context.map((c) => c.summary)).toEqual(['deployed api a1b2c3d']);

    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    const card = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: 'disk on backup-1 at 93%' }) });
    await card.waitFor();
    await expect(card.textContent()).resolves.toMatch(/firing/);
    await expect(card.textContent()).resolves.toMatch(/critical/);
    await expect(card.getByRole('link', { name: 'disk over 90%' }).count()).resolves.toBe(1);
    await expect(card.getByRole('list', { name: 'Preceding changes' }).textContent()).resolves.toMatch(
      /deploy\.finished.*deployed api a1b2c3d.*github-actions/,
    );
    // Relative times, with the absolute time for keyboard users too.
    await expect(card.locator('time').first().getAttribute('aria-label')).resolves.toMatch(/ago|now/);
    expect(await harness.accessibilityViolations(page)).toEqual([]);

    // Filters live in the URL, and Back undoes them.
    await page.getByLabel('State').selectOption('resolved');
    await page.waitForURL(/state=resolved/);
    await page.getByText('No alerts match these filters').waitFor();
    await page.goBack();
    await card.waitFor();
    await page.goto(`${harness.origin}/alerts?state=firing&severity=critical&ruleId=${rule.id}`);
    await card.waitFor();
    await expect(page.getByLabel('Severity').inputValue()).resolves.toBe('critical');
    // The rule's option comes with the rules list, which may load after the alerts.
    await expect(
      eventually(
        () => page.getByLabel('Rule').inputValue(),
        (value) => value === rule.id,
      ),
    ).resolves.toBe(rule.id);
    await page.getByLabel('Severity').selectOption('info');
    await page.getByText('No alerts match these filters').waitFor();
    expect(new URL(page.url()).searchParams.get('severity')).toBe('info');
    await page.goBack();

    // The link to the events opens the timeline filtered so that exactly the firing event shows.
    await card.getByRole('link', { name: 'The event that fired it on the timeline' }).click();
    await page.waitForURL(/\/timeline\?/);
    const params = new URL(page.url()).searchParams;
    expect(params.get('type')).toBe('check.failed');
    const shown = await harness.api<{ items: Array<{ id: string }> }>(`/api/v1/events?${params.toString()}`);
    expect(shown.status).toBe(200);
    expect(shown.body.items.map((e) => e.id)).toEqual([firing]);
    expect(shown.body.items.map((e) => e.id)).not.toContain(quiet);
  });

  it('shows the API’s validation errors next to their fields and saves nothing', async () => {
    const before = (await rules()).length;
    const page = await harness.signedIn('/rules/new');
    await page.getByLabel('Name (required)').fill('bad rule');
    await page.getByRole('button', { name: 'Add payload condition' }).click();
    await page.getByLabel('Field 1').fill('pct');
    await page.getByLabel('Operator 1').selectOption('gt');
    await page.getByLabel('Value 1').fill('ninety');
    await page.getByLabel('Summary template (required)').fill('disk on {{hostt}}');
    await page.getByRole('button', { name: 'Create rule' }).click();

    const valueError = page.locator('#f-match-payload-0-value-error');
    await expect(valueError.textContent()).resolves.toBe('gt takes a number');
    await expect(page.getByLabel('Value 1').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByLabel('Value 1').getAttribute('aria-describedby')).resolves.toContain(
      'f-match-payload-0-value-error',
    );
    await expect(page.locator('#f-alert-summary-error').textContent()).resolves.toBe('unknown placeholder {{hostt}}');
    // The first field it names takes the focus.
    await expect(isFocused(page.getByLabel('Value 1'))).resolves.toBe(true);
    await expect(page.getByLabel('Summary template (required)').getAttribute('aria-describedby')).resolves.toContain(
      'f-alert-summary-error',
    );
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Invalid body/);
    expect(await harness.accessibilityViolations(page)).toEqual([]);

    // An absence rule without how often it is expected: named next to that field.
    await page.getByLabel('Value 1').fill('90');
    await page.getByLabel('Summary template (required)').fill('silent');
    await page.getByLabel('Absence: alert when expected events stop').check();
    await page.getByRole('button', { name: 'Create rule' }).click();
    await expect(page.locator('#f-everySeconds-error').textContent()).resolves.toMatch(
      /^an absence rule needs (either )?everySeconds/,
    );
    await expect(page.locator('#f-match-payload-0-value-error').count()).resolves.toBe(0);
    expect(page.url()).toMatch(/\/rules\/new$/);
    expect(await rules()).toHaveLength(before);
  });

  it('edits a rule (version 2), says so in words when it changed meanwhile, and deletes it after confirmation', async () => {
    const created = await harness.api<Rule>('/api/v1/alert-rules', {
      method: 'POST',
      json: {
        name: 'nightly heartbeat',
        kind: 'absence',
        match: { type: 'heartbeat', source: 'cron-1' },
        everySeconds: 3600,
        graceSeconds: 30,
        alert: { severity: 'warning', summary: 'cron-1 stopped' },
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;

    const page = await harness.signedIn('/rules');
    await page.getByRole('link', { name: 'nightly heartbeat' }).click();
    await page.waitForURL(new RegExp(`/rules/${id}$`));
    await expect(page.getByLabel('Name (required)').inputValue()).resolves.toBe('nightly heartbeat');
    await expect(page.getByLabel('Absence: alert when expected events stop').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Expected every (seconds, required)').inputValue()).resolves.toBe('3600');
    await expect(page.getByLabel('Source', { exact: true }).inputValue()).resolves.toBe('cron-1');
    await page.getByLabel('Name (required)').fill('hourly heartbeat');
    await page.getByLabel('Grace (seconds)').fill('120');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/\/rules$/);
    await page.getByRole('link', { name: 'hourly heartbeat' }).waitFor();
    const saved = (await harness.api<Rule>(`/api/v1/alert-rules/${id}`)).body;
    expect(saved).toMatchObject({
      version: 2,
      name: 'hourly heartbeat',
      kind: 'absence',
      everySeconds: 3600,
      graceSeconds: 120,
      match: { type: 'heartbeat', source: 'cron-1' },
      alert: { severity: 'warning', summary: 'cron-1 stopped' },
    });

    // Someone else changes it while the form is open: the save is refused, in words, and nothing is overwritten.
    await page.getByRole('link', { name: 'hourly heartbeat' }).click();
    await page.getByRole('heading', { name: 'Alert rule: hourly heartbeat' }).waitFor();
    const { id: _id, version: _v, createdAt: _c, updatedAt: _u, ...spec } = saved as Rule & Record<string, unknown>;
    const other = await harness.api<Rule>(`/api/v1/alert-rules/${id}`, {
      method: 'PUT',
      json: { ...spec, name: 'heartbeat (changed elsewhere)' },
    });
    expect(other.status).toBe(200);
    await page.getByLabel('Name (required)').fill('my change');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('someone else changed this rule while you were editing it').waitFor();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Conflict/);
    expect((await harness.api<Rule>(`/api/v1/alert-rules/${id}`)).body).toMatchObject({
      version: 3,
      name: 'heartbeat (changed elsewhere)',
    });
    await page.getByRole('button', { name: 'Reload the rule' }).click();
    const reloaded = await eventually(
      () => page.getByLabel('Name (required)').inputValue(),
      (value) => value === 'heartbeat (changed elsewhere)',
    );
    expect(reloaded).toBe('heartbeat (changed elsewhere)');
    await expect(page.getByText('Version 3.').count()).resolves.toBe(1);

    // Delete: asks first; Cancel keeps it.
    await page.getByRole('button', { name: 'Delete rule' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await harness.api(`/api/v1/alert-rules/${id}`)).status).toBe(200);
    await page.getByRole('button', { name: 'Delete rule' }).click();
    await dialog.getByRole('button', { name: 'Delete rule' }).click();
    await page.waitForURL(/\/rules$/);
    await page.getByRole('heading', { name: 'Alert rules' }).waitFor();
    await page
      .getByRole('link', { name: /hourly heartbeat|heartbeat \(changed elsewhere\)/ })
      .waitFor({ state: 'detached' });
    expect((await harness.api(`/api/v1/alert-rules/${id}`)).status).toBe(404);
  });

  it('approves a proposal and rejects another in the browser, and says so when one was decided elsewhere', async () => {
    const propose = async (title: string) =>
      (
        await harness.api<Proposal>('/api/v1/proposals', {
          method: 'POST',
          json: { kind: 'change', title, payload: { service: 'api', replicas: 6 } },
        })
      ).body;
    const scale = await propose('scale api to 6');
    const rollback = await propose('roll back api to a1b2c3d');

    const page = await harness.signedIn('/proposals');
    const card = (title: string) =>
      page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: title }) });
    await card('scale api to 6').waitFor();
    await expect(card('scale api to 6').textContent()).resolves.toMatch(/pending.*kind change.*by initial \(dat_/);
    expect(await harness.accessibilityViolations(page)).toEqual([]);

    await card('scale api to 6').getByRole('button', { name: 'Approve “scale api to 6”' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByLabel('Decided by (optional)').fill('alice');
    await dialog.getByLabel('Reason (optional)').fill('load test passed');
    expect(await harness.accessibilityViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await card('scale api to 6').getByText('by alice').waitFor();
    await expect(card('scale api to 6').textContent()).resolves.toMatch(/approved.*by alice.*load test passed/);
    await expect(
      card('scale api to 6')
        .getByRole('button', { name: /Approve|Reject/ })
        .count(),
    ).resolves.toBe(0);
    expect((await harness.api<Proposal>(`/api/v1/proposals/${scale.id}`)).body).toMatchObject({
      state: 'approved',
      decidedBy: 'alice',
      reason: 'load test passed',
    });

    await card('roll back api to a1b2c3d').getByRole('button', { name: 'Reject “roll back api to a1b2c3d”' }).click();
    await dialog.getByRole('button', { name: 'Reject', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await card('roll back api to a1b2c3d').getByText('Rejected', { exact: true }).waitFor();
    await expect(card('roll back api to a1b2c3d').textContent()).resolves.toMatch(/✕ rejected/);
    const rejected = (await harness.api<Proposal>(`/api/v1/proposals/${rollback.id}`)).body;
    expect(rejected).toMatchObject({ state: 'rejected', reason: null });
    expect(rejected.decidedBy).toMatch(/^initial \(dat_/);
    await expect(card('roll back api to a1b2c3d').textContent()).resolves.toContain(`by ${rejected.decidedBy}`);

    // Decided elsewhere while the dialog was open: a 409 in words, then the other decision shows.
    const raced = await propose('restart worker');
    await page.reload();
    await card('restart worker').getByRole('button', { name: 'Approve “restart worker”' }).click();
    await dialog.waitFor();
    const elsewhere = await harness.api(`/api/v1/proposals/${raced.id}/reject`, {
      method: 'POST',
      json: { by: 'bob' },
    });
    expect(elsewhere.status).toBe(200);
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect(dialog.getByRole('alert').textContent()).resolves.toMatch(
      /Someone else decided this proposal first \(the proposal is rejected already\)/,
    );
    await dialog.getByRole('button', { name: 'Close' }).click();
    await card('restart worker').getByText('by bob').waitFor();
    expect((await harness.api<Proposal>(`/api/v1/proposals/${raced.id}`)).body).toMatchObject({
      state: 'rejected',
      decidedBy: 'bob',
    });

    // The state filter is in the URL.
    await page.getByLabel('State').selectOption('pending');
    await page.waitForURL(/state=pending/);
    await page.getByText('No pending proposals').waitFor();
    await page.getByLabel('State').selectOption('approved');
    await card('scale api to 6').waitFor();
    await expect(page.getByRole('heading', { name: 'restart worker' }).count()).resolves.toBe(0);
  });

  it('offers a proposal made while the page is open as "1 new proposal", then shows it with focus on it', async () => {
    const page = await harness.signedIn('/proposals');
    const card = (title: string) =>
      page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: title }) });
    // Read (a list, or none yet when this test runs alone) and live.
    await page.locator('ul.cards, .empty-state').first().waitFor();
    await page.getByText('Live: new proposals wait here until you show them.').waitFor();

    const sent = Date.now();
    const created = await harness.api<Proposal>('/api/v1/proposals', {
      method: 'POST',
      json: { kind: 'scale', title: 'scale live-worker to 4', payload: { service: 'live-worker', replicas: 4 } },
    });
    expect(created.status).toBe(201);
    const offer = page.getByRole('button', { name: /^1 new proposal/ });
    await offer.waitFor({ timeout: 10_000 });
    // Offered, not pushed under the reader.
    await expect(card('scale live-worker to 4').count()).resolves.toBe(0);
    await offer.click();
    await card('scale live-worker to 4').waitFor();
    expect(Date.now() - sent).toBeLessThan(10_000);
    await expect(card('scale live-worker to 4').textContent()).resolves.toMatch(/^scale live-worker to 4new/);
    await expect(offer.count()).resolves.toBe(0);
    // The button that had focus is gone: the new proposal has it, never <body>.
    await expect(isFocused(card('scale live-worker to 4'))).resolves.toBe(true);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);

    // Decided elsewhere: offered too, and shown on request.
    await harness.api(`/api/v1/proposals/${created.body.id}/approve`, { method: 'POST', json: { by: 'carol' } });
    const decided = page.getByRole('button', { name: /^1 proposal decided elsewhere/ });
    await decided.waitFor({ timeout: 10_000 });
    await decided.click();
    await card('scale live-worker to 4').getByText('by carol').waitFor();
  });

  it('takes screenshots of each page, light and dark, each without accessibility violations', async () => {
    await harness.api('/api/v1/proposals', {
      method: 'POST',
      json: { kind: 'scale', title: 'scale worker to 3', payload: { service: 'worker', replicas: 3 } },
    });
    const [rule] = await rules();
    for (const scheme of ['light', 'dark'] as const) {
      const page = await harness.signedIn('/rules', scheme);
      await page.getByRole('link', { name: 'disk over 90%' }).waitFor();
      expect(await harness.accessibilityViolations(page)).toEqual([]);
      await harness.screenshot(page, 'rules', scheme);

      await page.goto(`${harness.origin}/rules/${rule.id}`);
      await page.getByRole('heading', { name: 'Alert rule: disk over 90%' }).waitFor();
      expect(await harness.accessibilityViolations(page)).toEqual([]);
      await harness.screenshot(page, 'rule-form', scheme);

      await page.goto(`${harness.origin}/alerts`);
      await page.getByRole('heading', { name: 'disk on backup-1 at 93%' }).waitFor();
      expect(await harness.accessibilityViolations(page)).toEqual([]);
      await harness.screenshot(page, 'alerts', scheme);

      await page.goto(`${harness.origin}/proposals`);
      await page.getByRole('heading', { name: 'scale worker to 3' }).waitFor();
      expect(await harness.accessibilityViolations(page)).toEqual([]);
      await harness.screenshot(page, 'proposals', scheme);
    }
  });

  describe('heartbeat checks (absence rules)', () => {
    const checks = async () => (await harness.api<{ items: Check[] }>('/api/v1/checks')).body.items;

    it('creates a cron check from the rule form, with its time zone and maximum run time', async () => {
      const page = await harness.signedIn('/rules/new');
      await page.getByLabel('Name (required)').fill('nightly report');
      await page.getByLabel('Absence: alert when expected events stop').check();
      await expect(page.locator('main').textContent()).resolves.toMatch(
        /No event fires an absence alert, so only the group’s placeholder has a value/,
      );
      await page.getByLabel('Event type', { exact: true }).fill('report.nightly');
      await page.getByLabel('Cron schedule: at set times').check();
      await page.getByLabel('Cron schedule (required)').fill('0 9 * * *');
      await page.getByLabel('Time zone').fill('Europe/Berlin');
      await page.getByLabel('Maximum run time (seconds, optional)').fill('600');
      await page.getByLabel('Summary template (required)').fill('nightly report missing');
      expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
      await page.getByRole('button', { name: 'Create rule' }).click();
      await page.waitForURL(/\/rules$/);
      const row = page.getByRole('row', { name: /nightly report/ });
      await expect(row.textContent()).resolves.toMatch(/cron 0 9 \* \* \* \(Europe\/Berlin\)/);
      const saved = (
        await harness.api<{ items: Array<Rule & Record<string, unknown>> }>('/api/v1/alert-rules')
      ).body.items.find((r) => r.name === 'nightly report')!;
      expect(saved).toMatchObject({ schedule: '0 9 * * *', timezone: 'Europe/Berlin', maxRunSeconds: 600 });
      expect(saved.everySeconds ?? null).toBeNull();

      // Opened again: the cron half of the form, as saved.
      await page.getByRole('link', { name: 'nightly report' }).click();
      await expect(page.getByLabel('Cron schedule: at set times').isChecked()).resolves.toBe(true);
      await expect(page.getByLabel('Cron schedule (required)').inputValue()).resolves.toBe('0 9 * * *');
      await expect(page.getByLabel('Time zone').inputValue()).resolves.toBe('Europe/Berlin');
    });

    it('shows each check’s state and last pings, and pauses and resumes it', async () => {
      const created = await harness.api<Rule>('/api/v1/alert-rules', {
        method: 'POST',
        json: {
          name: 'nightly backup',
          kind: 'absence',
          match: { type: 'backup.nightly' },
          everySeconds: 3600,
          graceSeconds: 300,
          alert: { severity: 'warning', summary: 'nightly backup missing' },
        },
      });
      expect(created.status).toBe(201);
      const ruleId = created.body.id;
      await harness.ingest({ type: 'backup.nightly.started', source: 'cron', summary: 'backup started' });
      await new Promise((r) => setTimeout(r, 300));
      await harness.ingest({ type: 'backup.nightly', source: 'cron', summary: 'backup done' });
      const check = await eventually(
        async () => (await checks()).find((c) => c.ruleId === ruleId),
        (c) => !!c && c.state === 'up' && c.pings.length >= 2,
      );
      expect(check).toMatchObject({ state: 'up', name: 'nightly backup' });
      expect(check!.pings.map((p) => p.kind)).toEqual(['start', 'success']);

      const page = await harness.signedIn('/rules');
      await page
        .getByRole('navigation', { name: 'Rules and heartbeat checks' })
        .getByRole('link', { name: 'Heartbeat checks' })
        .click();
      await page.waitForURL(/\/checks$/);
      const row = page.getByRole('row', { name: /nightly backup/ });
      await row.waitFor();
      await expect(row.textContent()).resolves.toMatch(/✓ up/);
      await expect(row.textContent()).resolves.toMatch(/every 1 h, 5 min grace/);
      const strip = row.getByRole('list', { name: /^Last 2 pings of nightly backup, oldest first/ });
      await expect(strip.getByRole('listitem').count()).resolves.toBe(2);
      await expect(strip.getByRole('listitem').nth(0).textContent()).resolves.toMatch(/^Start /);
      await expect(strip.getByRole('listitem').nth(1).textContent()).resolves.toMatch(/^Success .*took/);
      expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
      await harness.screenshot(page, 'checks');

      // Pause: the same button says Resume, and keeps the focus.
      const toggle = row.getByRole('button', { name: /^(Pause|Resume) nightly backup$/ });
      // Pause answers once the evaluator has applied it. An evaluator more than 5 s behind (a busy
      // machine) answers 503 "stored, read again" instead, and the board shows the pause on a later read
      // (every 10 s): hence the longer waits here.
      await toggle.click();
      await row.getByText('⏸ paused').waitFor({ timeout: 30_000 });
      await expect(toggle.textContent()).resolves.toMatch(/^Resume/);
      await expect(isFocused(toggle)).resolves.toBe(true);
      expect((await checks()).find((c) => c.ruleId === ruleId)!.state).toBe('paused');

      await toggle.click();
      await row.getByText('✓ up').waitFor({ timeout: 30_000 });
      await expect(toggle.textContent()).resolves.toMatch(/^Pause/);
      await expect(isFocused(toggle)).resolves.toBe(true);
      expect((await checks()).find((c) => c.ruleId === ruleId)!.state).not.toBe('paused');

      // A failure signal: down at once, and a red square at the end of the strip.
      await harness.ingest({ type: 'backup.nightly.failed', source: 'cron', summary: 'backup failed' });
      await row.getByText('✕ down').waitFor({ timeout: 20_000 });
      await expect(
        row
          .getByRole('list', { name: /pings of nightly backup/ })
          .getByRole('listitem')
          .last()
          .textContent(),
      ).resolves.toMatch(/^Failure /);

      // Dark too.
      const dark = await harness.signedIn('/checks', 'dark');
      await dark.getByRole('row', { name: /nightly backup/ }).waitFor();
      expect(await harness.accessibilityViolations(dark, { every: true })).toEqual([]);
      await harness.screenshot(dark, 'checks', 'dark');

      // The State filter, in the URL.
      await page.getByLabel('State').selectOption('down');
      await page.waitForURL(/state=down/);
      await row.waitFor();
      await page.getByLabel('State').selectOption('paused');
      await page.getByText('No paused checks').waitFor();
      await page.goBack();
      await row.waitFor();

      // At 360 px, the board is cards, and nothing scrolls sideways.
      await page.setViewportSize({ width: 360, height: 800 });
      await row.waitFor();
      expect(await overflowing(page, 360)).toEqual([]);
    });

    it('fits a 360 px wide screen without sideways scrolling', async () => {
      const page = await harness.signedIn('/rules');
      await page.setViewportSize({ width: 360, height: 800 });
      for (const [path, ready] of [
        ['/rules', 'Alert rules'],
        ['/rules/new', 'New alert rule'],
        ['/checks', 'Heartbeat checks'],
      ] as const) {
        await page.goto(`${harness.origin}${path}`);
        await page.getByRole('heading', { name: ready, exact: true }).waitFor();
        if (path === '/rules/new') await page.getByLabel('Absence: alert when expected events stop').check();
        expect({ path, overflowing: await overflowing(page, 360) }).toEqual({ path, overflowing: [] });
      }
    });
  });
});

async function expectText(page: Page, pattern: RegExp): Promise<void> {
  await expect(page.locator('main').textContent()).resolves.toMatch(pattern);
}
