import type { Page } from 'playwright-core';
import type { Problem, TimelineEntry as Entry } from '@daalu/client';
import { eventually } from '@daalu/testing';
import type { BrowserGlobals } from './browser-globals';
import { ConsoleHarness } from './console-harness';
import { isFocused } from './page-probes';

/** The timeline page: filters in the URL, paging, the API's errors by field, live updates with Pause, payloads. */
describe('console: timeline', () => {
  let harness: ConsoleHarness;
  const pages: Page[] = [];

  beforeAll(async () => {
    harness = await ConsoleHarness.start('timeline');
  }, 150_000);

  afterAll(async () => {
    await harness?.stop();
  });

  // Each open timeline holds a live stream (at most 20 per tenant): close the pages of a test after it.
  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close().catch(() => undefined);
  });

  const open = async (path: string, scheme: 'light' | 'dark' = 'light') => {
    const page = await harness.signedIn(path, scheme);
    pages.push(page);
    return page;
  };

  /** Many events in one POST (the ingest rate limit counts requests), then until the timeline lists them. */
  const ingestBatch = async (events: object[], type: string) => {
    const response = await fetch(`${harness.origin}/api/v1/events/batch`, {
      method: 'POST',
      headers: { 'x-daalu-key': harness.tenant.ingestKey, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(response.status).toBe(202);
    await listed(`type=${encodeURIComponent(type)}&limit=500`, events.length);
  };

  /** What the API lists for this query, once it lists `count` entries. */
  const listed = (query: string, count: number) =>
    eventually(
      async () => (await harness.api<{ items: Entry[] }>(`/api/v1/events?${query}`)).body.items,
      (items) => items.length >= count,
      { what: `${count} entries for ${query}`, timeoutMs: 20_000 },
    );

  const rows = (page: Page) => page.getByRole('list', { name: 'Events, newest first' }).getByRole('listitem');
  const summaries = (page: Page) => rows(page).locator('.entry-summary').allTextContents();
  const param = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);
  const moreFilters = (page: Page) => page.locator('summary', { hasText: 'More filters' });
  const focusedId = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.id);

  it('says how to send the first event when there is none, with no accessibility violations', async () => {
    const page = await open('/timeline');
    await page.getByText('No events yet').waitFor();
    const { endpoint } = (await harness.api<{ endpoint: string }>('/api/v1/ingest')).body;
    // Until the page has read it, it shows this origin's address: wait for the API's answer.
    await page.getByText(`POST ${endpoint}`).first().waitFor();
    const text = await page.locator('main').textContent();
    expect(text).toContain(`POST ${endpoint}`);
    expect(text).toContain('X-Daalu-Key');
    await page.getByRole('button', { name: 'Copy the curl command' }).waitFor();
    // The curl is a block to copy, whole and correct: JSON with its Content-Type (else curl sends a form: 415).
    const curl = await page.getByTestId('send-event-curl').textContent();
    expect(curl).toContain(`curl -X POST '${endpoint}'`);
    expect(curl).toContain('-H "X-Daalu-Key: $DAALU_KEY"');
    expect(curl).toContain("-H 'Content-Type: application/json'");
    await page.getByText('Live: new events wait here until you show them.').waitFor();
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
  });

  it('lists events newest first with their kind and severity; filters go in the URL, Back restores, a link reproduces', async () => {
    const single = async (event: object) => {
      await harness.ingest(event);
      await new Promise((r) => setTimeout(r, 20)); // distinct receivedAt: a known order
    };
    const before = new Date(Date.now() - 1000).toISOString();
    await single({ type: 'deploy.started', source: 'github', module: 'ci', summary: 'deploy api started' });
    await single({ type: 'deploy.failed', source: 'github', summary: 'deploy api failed', severity: 'warning' });
    await single({
      type: 'check.failed',
      source: 'nightly-cron',
      summary: 'disk full on backup-1',
      severity: 'critical',
      payload: { env: 'prod', nested: { region: 'eu' }, pct: 99 },
    });
    await single({
      type: 'check.failed',
      source: 'nightly-cron',
      summary: 'disk high on stage-1',
      payload: { env: 'staging' },
    });
    await listed('', 4);
    const after = new Date(Date.now() + 1000).toISOString();

    const page = await open('/timeline');
    await rows(page).first().waitFor();
    expect(await summaries(page)).toEqual([
      'disk high on stage-1',
      'disk full on backup-1',
      'deploy api failed',
      'deploy api started',
    ]);
    const critical = rows(page).filter({ hasText: 'disk full on backup-1' });
    await expect(critical.textContent()).resolves.toMatch(/Event.*‼ critical.*check\.failed.*from.*nightly-cron/);
    await expect(critical.locator('time').getAttribute('aria-label')).resolves.toMatch(/(ago|now), /);

    // Type (a prefix) then severity: each Apply is a URL, and the list follows.
    await page.getByLabel('Type', { exact: true }).fill('deploy.*');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('type') === 'deploy.*');
    await eventually(
      () => summaries(page),
      (s) => s.length === 2,
      { what: 'deploy events' },
    );
    expect(await summaries(page)).toEqual(['deploy api failed', 'deploy api started']);
    await page.getByLabel('warning', { exact: true }).check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('severity') === 'warning');
    await eventually(
      () => summaries(page),
      (s) => s.length === 1,
      { what: 'warning deploys' },
    );
    expect(await summaries(page)).toEqual(['deploy api failed']);

    // Back: the previous filters, in the form and in the list.
    await page.goBack();
    await page.waitForURL((url) => !url.searchParams.has('severity'));
    await eventually(
      () => summaries(page),
      (s) => s.length === 2,
      { what: 'deploy events after Back' },
    );
    await expect(page.getByLabel('Type', { exact: true }).inputValue()).resolves.toBe('deploy.*');
    await expect(page.getByLabel('warning', { exact: true }).isChecked()).resolves.toBe(false);
    await page.goBack();
    await eventually(
      () => summaries(page),
      (s) => s.length === 4,
      { what: 'every event after Back' },
    );
    await expect(page.getByLabel('Type', { exact: true }).inputValue()).resolves.toBe('');

    // A payload field (under More filters, folded while none of them is set) and the summary text.
    await moreFilters(page).click();
    await page.getByLabel('Path', { exact: true }).fill('nested.region');
    await page.getByLabel('Equals', { exact: true }).fill('eu');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('payloadPath') === 'nested.region');
    expect(param(page, 'payloadValue')).toBe('eu');
    await eventually(
      () => summaries(page),
      (s) => s.length === 1,
      { what: 'the payload match' },
    );
    expect(await summaries(page)).toEqual(['disk full on backup-1']);
    await page.getByRole('link', { name: 'Clear filters' }).click();
    await eventually(
      () => summaries(page),
      (s) => s.length === 4,
      { what: 'cleared filters' },
    );
    await page.getByLabel('Summary contains').fill('DISK');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === 'DISK');
    await eventually(
      () => summaries(page),
      (s) => s.length === 2,
      { what: 'summaries with disk' },
    );

    // A shared link, as the Alerts page makes them (type, since, until): the same view, and no live
    // updates for a range that has ended.
    const link = `/timeline?type=check.failed&since=${before}&until=${after}&severity=critical,warning&source=nightly-cron`;
    const shared = await open(link);
    await eventually(
      () => summaries(shared),
      (s) => s.length === 1,
      { what: 'the shared view' },
    );
    expect(await summaries(shared)).toEqual(['disk full on backup-1']);
    await expect(shared.getByLabel('Type', { exact: true }).inputValue()).resolves.toBe('check.failed');
    await expect(shared.getByLabel('Source', { exact: true }).inputValue()).resolves.toBe('nightly-cron');
    await expect(shared.getByLabel('critical', { exact: true }).isChecked()).resolves.toBe(true);
    await expect(shared.getByLabel('warning', { exact: true }).isChecked()).resolves.toBe(true);
    await expect(shared.getByLabel('info', { exact: true }).isChecked()).resolves.toBe(false);
    await expect(shared.locator('#tl-since-help').textContent()).resolves.toBe(`UTC ${before}`);
    await shared.getByText(/Live updates are off: this view ends/).waitFor();
    expect(await harness.accessibilityViolations(shared, { every: true })).toEqual([]);
  });

  it('opens an entry’s payload with the keyboard and closes it with Escape', async () => {
    const page = await open('/timeline?type=check.failed');
    const row = rows(page).filter({ hasText: 'disk full on backup-1' });
    const toggle = row.getByRole('button', { name: /^Payload/ });
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
    const payload = row.getByLabel('Payload', { exact: true });
    await payload.waitFor();
    expect(JSON.parse((await payload.textContent())!)).toEqual({ env: 'prod', nested: { region: 'eu' }, pct: 99 });
    await row.getByRole('button', { name: 'Copy payload' }).waitFor();
    await expect(row.textContent()).resolves.toMatch(/Log position\d+/);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await payload.focus();
    await page.keyboard.press('Escape');
    await payload.waitFor({ state: 'hidden' });
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(isFocused(toggle)).resolves.toBe(true);
  });

  it('pages older entries with Load older, each once', async () => {
    const events = Array.from({ length: 63 }, (_, i) => ({
      type: 'bulk.tick',
      source: 'bench',
      summary: `tick ${i + 1}`,
    }));
    await ingestBatch(events, 'bulk.tick');
    const page = await open('/timeline?type=bulk.tick');
    await eventually(
      () => summaries(page),
      (s) => s.length === 50,
      { what: 'the first page' },
    );
    await page.getByText('Showing 50 events.').waitFor();
    await page.getByRole('button', { name: 'Load older events' }).click();
    await eventually(
      () => summaries(page),
      (s) => s.length === 63,
      { what: 'the second page' },
    );
    // Focus moves to the first of the older events (the button is gone now), never to <body>.
    await eventually(
      () =>
        page.evaluate(() =>
          (globalThis as unknown as BrowserGlobals).document.activeElement?.getAttribute('data-entry-index'),
        ),
      (index) => index === '50',
      { what: 'focus on the first older event' },
    );
    const all = await summaries(page);
    expect(new Set(all).size).toBe(63);
    expect(new Set(all)).toEqual(new Set(events.map((e) => e.summary)));
    await page.getByText('No older events match.').waitFor();
    await expect(page.getByRole('button', { name: 'Load older events' }).count()).resolves.toBe(0);
  });

  it('shows the API’s 400 next to the field it names', async () => {
    const expected = await harness.api<Problem>('/api/v1/events?type=*');
    expect(expected.status).toBe(400);
    const typeMessage = expected.body.errors!.find((e) => e.field === 'type')!.message;

    const page = await open('/timeline');
    await page.getByLabel('Type', { exact: true }).fill('*');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('type') === '*');
    const typeError = page.locator('#tl-type-error');
    await expect(typeError.textContent()).resolves.toBe(typeMessage);
    await expect(page.getByLabel('Type', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByLabel('Type', { exact: true }).getAttribute('aria-describedby')).resolves.toContain(
      'tl-type-error',
    );
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Invalid query/);
    // Focus goes to the field the API named.
    await expect(focusedId(page)).resolves.toBe('tl-type');
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);

    // A payload path the API refuses, and an end before the start: each by its own field.
    await page.getByLabel('Type', { exact: true }).fill('');
    await moreFilters(page).click();
    await page.getByLabel('Path', { exact: true }).fill('bad path!');
    await page.getByLabel('Equals', { exact: true }).fill('x');
    await page.getByLabel('From (your local time)').fill('2026-03-02T10:00:00');
    await page.getByLabel('Until (your local time)').fill('2026-03-01T10:00:00');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('payloadPath') === 'bad path!');
    await expect(page.locator('#tl-payloadPath-error').textContent()).resolves.toMatch(/a payload field path/);
    await expect(page.locator('#tl-until-error').textContent()).resolves.toBe('must be after since');
    await expect(page.locator('#tl-type-error').count()).resolves.toBe(0);
    expect(param(page, 'since')).toBe(new Date('2026-03-02T10:00:00').toISOString());
  });

  it('offers a live event as "1 new event" without moving the list, and Pause holds it back', async () => {
    await harness.ingest({ type: 'live.first', source: 'test', summary: 'first live event' });
    await listed('type=live.*', 1);
    const page = await open('/timeline?type=live.*');
    // The first load's stream is open (rows come once it has said where it starts): only the reload's
    // stream is counted below, however late a busy machine issued the first one.
    await rows(page).first().waitFor();
    const streams: Array<Record<string, string>> = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/v1/events/stream')) streams.push(request.headers());
    });
    await page.reload();
    await page.getByText('Live: new events wait here until you show them.').waitFor();
    await rows(page).first().waitFor(); // the list is read once the stream has said where it starts
    expect(await summaries(page)).toEqual(['first live event']);
    // The stream carries the token in the Authorization header only (fetch, not EventSource).
    expect(streams).toHaveLength(1);
    expect(streams[0].authorization).toBe(`Bearer ${harness.tenant.apiToken}`);
    expect(streams[0]['last-event-id']).toBeUndefined();
    expect(streams[0].cookie).toBeUndefined();

    // Arrives while the page is open: a button, not a row pushed under the reader.
    await harness.ingest({ type: 'live.second', source: 'test', summary: 'second live event', payload: { n: 2 } });
    const newEvents = page.getByRole('button', { name: /new event/ });
    await newEvents.waitFor();
    await expect(newEvents.textContent()).resolves.toMatch(/^↑ 1 new event/);
    expect(await summaries(page)).toEqual(['first live event']);
    await newEvents.click();
    await eventually(
      () => summaries(page),
      (s) => s.length === 2,
      { what: 'the live event in the list' },
    );
    expect(await summaries(page)).toEqual(['second live event', 'first live event']);
    await expect(newEvents.count()).resolves.toBe(0);
    // Focus goes to the first shown entry (the button that had it is gone).
    await expect(isFocused(rows(page).first())).resolves.toBe(true);
    await expect(rows(page).first().textContent()).resolves.toMatch(/new/);

    // Paused: an event that lands is held back, not even counted, until Resume.
    await page.getByRole('button', { name: 'Pause live updates' }).click();
    await page.getByText('Paused: new events are held back until you resume.').waitFor();
    await harness.ingest({ type: 'live.third', source: 'test', summary: 'third live event' });
    await listed('type=live.*', 3);
    await page.waitForTimeout(1500); // past when the stream delivered it (the button came within ~1 s above)
    await expect(newEvents.count()).resolves.toBe(0);
    expect(await summaries(page)).toEqual(['second live event', 'first live event']);
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
    await page.getByRole('button', { name: 'Resume live updates' }).click();
    await newEvents.waitFor();
    await expect(newEvents.textContent()).resolves.toMatch(/^↑ 1 new event/);
    await newEvents.click();
    await eventually(
      () => summaries(page),
      (s) => s.length === 3,
      { what: 'the held event in the list' },
    );
    expect(await summaries(page)).toEqual(['third live event', 'second live event', 'first live event']);
    expect(streams).toHaveLength(1); // one stream all along
  });

  it('after a drop, waits the retry the server asked for and resumes with Last-Event-ID, missing nothing', async () => {
    await harness.ingest({ type: 'resume.one', source: 'test', summary: 'before the drop' });
    const [seen] = await listed('type=resume.*', 1);

    // The first stream is one the test answers: a retry of 3 s, the position of the entry listed, then
    // its end (a dropped stream). Later ones go to the real stream.
    const page = await harness.page();
    pages.push(page);
    const streams: Array<Record<string, string>> = [];
    await page.route('**/api/v1/events/stream**', async (route) => {
      streams.push(route.request().headers());
      if (streams.length > 1) return route.continue();
      await route.fulfill({
        status: 200,
        headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
        body: `retry: 3000\nid: ${seen.sequence}\n\n`,
      });
    });
    await page.goto(`${harness.origin}/sign-in`);
    await page.getByLabel('Tenant API token').fill(harness.tenant.apiToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
    await page.goto(`${harness.origin}/timeline?type=resume.*`);
    await page.getByText('Live updates dropped; reconnecting in 3 s (nothing is missed meanwhile).').waitFor();
    await rows(page).first().waitFor(); // the list, read after the stream said where it starts, may still be loading
    expect(await summaries(page)).toEqual(['before the drop']);

    // An event lands while the stream is down; the reconnect asks for what came after the last id.
    await harness.ingest({ type: 'resume.two', source: 'test', summary: 'during the drop' });
    const newEvents = page.getByRole('button', { name: /new event/ });
    await newEvents.waitFor();
    await expect(newEvents.textContent()).resolves.toMatch(/^↑ 1 new event/);
    expect(streams).toHaveLength(2);
    expect(streams[0]['last-event-id']).toBeUndefined();
    expect(streams[1]['last-event-id']).toBe(String(seen.sequence));
    await page.getByText('Live: new events wait here until you show them.').waitFor();
    await newEvents.click();
    await eventually(
      () => summaries(page),
      (s) => s.length === 2,
      { what: 'both events' },
    );
    expect(await summaries(page)).toEqual(['during the drop', 'before the drop']);
  });

  it('labels each kind of entry in words: an alert a rule fired sits among the events', async () => {
    const rule = await harness.api<{ id: string }>('/api/v1/alert-rules', {
      method: 'POST',
      json: {
        name: 'disk full',
        kind: 'match',
        match: { type: 'disk.full' },
        alert: { severity: 'critical', summary: 'disk full alert on {{payload.host}}' },
      },
    });
    expect(rule.status).toBe(201);
    await harness.ingest({
      type: 'disk.full',
      source: 'node-exporter',
      summary: 'disk full on db-1',
      payload: { host: 'db-1' },
    });
    await listed('type=alert.fired', 1);

    const page = await open('/timeline?q=disk%20full');
    const alert = rows(page).filter({ hasText: 'disk full alert on db-1' });
    await alert.waitFor();
    await expect(alert.locator('.kind').textContent()).resolves.toBe('! Alert fired');
    await expect(alert.textContent()).resolves.toMatch(/alert\.fired.*from.*rule-evaluator/);
    const event = rows(page).filter({ hasText: 'disk full on db-1' });
    await expect(event.locator('.kind').textContent()).resolves.toBe('◆ Event');
    // The icon is decoration: the label is the words.
    await expect(alert.locator('.kind [aria-hidden="true"]').textContent()).resolves.toBe('! ');
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
  });

  it('charts entries per minute over the range: a bar narrows the list to its minute, Back widens it, the keyboard too', async () => {
    const since = new Date(Date.now() - 5 * 60_000).toISOString();
    const batch = async (type: string, n: number) => {
      await ingestBatch(
        Array.from({ length: n }, (_, i) => ({ type, source: 'chart', summary: `${type} ${i + 1}` })),
        type,
      );
      return (await listed(`type=${type}`, n)).map((e) => Date.parse(e.receivedAt));
    };
    // Two batches a minute apart (buckets are whole minutes over a 5-minute range): wait past the boundary.
    const first = await batch('chart.early', 3);
    const firstMinute = Math.floor(Math.max(...first) / 60_000) * 60_000;
    await new Promise((r) => setTimeout(r, firstMinute + 60_000 + 300 - Date.now()));
    const second = await batch('chart.late', 2);
    const secondMinute = Math.floor(Math.min(...second) / 60_000) * 60_000;
    expect(Math.floor(Math.max(...first) / 60_000) * 60_000).toBe(Math.floor(Math.min(...first) / 60_000) * 60_000);
    expect(secondMinute).toBeGreaterThan(firstMinute);

    const page = await open(`/timeline?type=chart.*&since=${since}`);
    const plot = page.locator('.bar-chart-plot');
    await plot.waitFor();
    const api = await harness.api<{ buckets: Array<{ count: number }> }>(
      `/api/v1/events/histogram?type=chart.*&since=${encodeURIComponent(since)}`,
    );
    // A bar per bucket of the API's answer (a minute each), and the bars add up to the events sent.
    await expect(plot.getAttribute('data-bars')).resolves.toBe(String(api.body.buckets.length));
    expect(api.body.buckets.length).toBeGreaterThanOrEqual(5);
    await expect(plot.getAttribute('data-total')).resolves.toBe('5');
    await expect(page.getByTestId('chart-summary').textContent()).resolves.toMatch(/^5 entries from/);
    await page.getByText('Live: new events wait here until you show them.').waitFor();
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);

    // Live: what lands is counted within a few seconds, without a reload.
    await harness.ingest({ type: 'chart.late', source: 'chart', summary: 'chart.late live' });
    await eventually(
      () => plot.getAttribute('data-total'),
      (total) => total === '6',
      { what: 'the live entry in the chart', timeoutMs: 10_000 },
    );
    // The late minute's entries (the live one may have landed in the next minute).
    const late = (await listed('type=chart.late', 3)).map((e) => Date.parse(e.receivedAt));
    const lastMinute = Math.floor(Math.max(...late) / 60_000) * 60_000;
    const inLastMinute = late.filter((t) => t >= lastMinute).length;

    // A click on the first batch's bar: its minute in the URL, and the list holds only that minute.
    const xMin = Number(await plot.getAttribute('data-x-min'));
    const xMax = Number(await plot.getAttribute('data-x-max'));
    const box = (await plot.locator('.u-over').boundingBox())!;
    const x = box.x + (box.width * (firstMinute + 30_000 - xMin)) / (xMax - xMin);
    await page.mouse.click(x, box.y + box.height - 4);
    await page.waitForURL((url) => url.searchParams.get('until') !== null);
    expect(param(page, 'since')).toBe(new Date(firstMinute).toISOString());
    expect(param(page, 'until')).toBe(new Date(firstMinute + 60_000).toISOString());
    await eventually(
      () => summaries(page),
      (s) => s.length === 3,
      { what: 'the first minute’s entries' },
    );
    expect((await summaries(page)).sort()).toEqual(['chart.early 1', 'chart.early 2', 'chart.early 3']);
    await expect(page.getByTestId('chart-summary').textContent()).resolves.toMatch(/^3 entries from/);

    // Back: the whole range again.
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.get('until') === null);
    expect(param(page, 'since')).toBe(since);
    await eventually(
      () => summaries(page),
      (s) => s.length === 6,
      { what: 'every chart entry after Back' },
    );

    // By keyboard: the table of the times with entries, each a button.
    const tableToggle = page.locator('summary', { hasText: 'As a table' });
    await tableToggle.focus();
    await page.keyboard.press('Enter');
    const lastBucket = page.getByRole('button', { name: /^Show only / }).last();
    await lastBucket.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('until') !== null);
    expect(param(page, 'since')).toBe(new Date(lastMinute).toISOString());
    await eventually(
      () => summaries(page),
      (s) => s.length === inLastMinute && s.every((text) => text.startsWith('chart.late')),
      { what: 'the last minute’s entries' },
    );
    expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
  }, 150_000);

  it('takes screenshots, light and dark, each without accessibility violations', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await open('/timeline?q=disk', scheme);
      const row = rows(page).filter({ hasText: 'disk full on backup-1' });
      await row.getByRole('button', { name: /^Payload/ }).click();
      await row.getByLabel('Payload', { exact: true }).waitFor();
      await page.getByText('Live: new events wait here until you show them.').waitFor();
      await page.locator('h1').click(); // no focus ring or tooltip in the picture
      expect(await harness.accessibilityViolations(page, { every: true })).toEqual([]);
      await harness.screenshot(page, 'timeline', scheme);
    }
  });
});
