import { headers as natsHeaders } from '@nats-io/nats-core';
import { v7 as uuidv7 } from 'uuid';
import { HEADER_CORRELATION_ID, HEADER_KIND, HEADER_SCHEMA_VERSION } from '@daalu/contracts';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import { eventually, type TestDatabase, type TestNats } from '@daalu/testing';
import { countingReceiver, type CountingReceiver } from './test/counting-receiver';
import { report, sleep, writeResults } from './test/results';
import { type Json, Stack, stackEnv, type Tenant } from './test/stack';

/** How soon the bystander's event must be on its timeline, from the moment it was sent. */
const TIMELINE_WITHIN_MS = 2_000;
/** How soon its alert must fire and its webhook be delivered ("within a few seconds"). */
const ALERT_WITHIN_MS = 5_000;
const DELIVERY_WITHIN_MS = 5_000;
/** How long the bystander's receiver is watched for a second POST of the same delivery. */
const SETTLE_MS = 1_500;
/** The timeline's consumer of the events stream (its dead letters are on `<ns>.deadletter.timeline-events`). */
const TIMELINE_CONSUMER = 'timeline-events';

interface Bystander {
  run: string;
  id: string;
  /** From sending the event to its entry on the timeline (null: not within the wait). */
  timelineMs: number | null;
  alertMs: number | null;
  deliveryMs: number | null;
  /** POSTs its receiver got for the event (retries and duplicates included). */
  deliveries: number;
}

/** The fields named by a 400's `errors`. */
function fieldsOf(body: Json): string[] {
  return Array.isArray(body?.errors) ? body.errors.map((e: { field: string }) => e.field) : [];
}

/** Resolves to how long `probe` took to hold (ms from `since`), or null when it did not within `timeoutMs`. */
async function timeUntil(probe: () => Promise<boolean> | boolean, since: number, timeoutMs: number) {
  return eventually(probe, Boolean, { timeoutMs, intervalMs: 25 }).then(
    () => Date.now() - since,
    () => null,
  );
}

/**
 * Poison input: what one tenant sends (or what lands on the log by another way) must never hold up the
 * others. After each poison input, another tenant's (the bystander's) event must be on its timeline
 * within 2 s, its alert rule must fire and its webhook must be delivered once. The whole stack runs as
 * processes on the shared NATS and PostgreSQL (a namespace and a database of this suite's own).
 */
jest.setTimeout(120_000);

describe('poison input: one tenant cannot hold up another', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let stack: Stack;
  let bystander: Tenant;
  let bystanderRule: string;
  let bystanderReceiver: CountingReceiver;
  const receivers: CountingReceiver[] = [];
  const results: Array<Record<string, unknown>> = [];
  let runs = 0;

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('faults_poison'));
    stack = await Stack.start(stackEnv(appEnv(db, nats)));
    bystander = await stack.createTenant('bystander');
    bystanderReceiver = await receiver();
    const hook = await stack.api('dispatcher', bystander, 'POST', '/api/v1/webhooks', {
      url: bystanderReceiver.url,
      trigger: { events: { type: 'b.*' } },
    });
    expect(hook.status).toBe(201);
    const rule = await stack.api('rules', bystander, 'POST', '/api/v1/alert-rules', {
      name: 'bystander check',
      kind: 'match',
      match: { type: 'b.check' },
      groupBy: 'payload.run',
      alert: { severity: 'warning', summary: 'check {{payload.run}}' },
    });
    expect(rule.status).toBe(201);
    bystanderRule = rule.body.id;
    // Before any poison, the bystander's path works end to end (and the stack is warm).
    const warm = await checkBystander('warm-up', 30_000);
    expect(warm.deliveries).toBe(1);
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await Promise.all(receivers.map((r) => r.close()));
    await nats?.cleanup();
    await db?.drop();
    if (results.length > 0) report(`figures written to ${writeResults('poison', { cases: results })}`);
  }, 60_000);

  async function receiver(answer?: Parameters<typeof countingReceiver>[0]): Promise<CountingReceiver> {
    const made = await countingReceiver(answer);
    receivers.push(made);
    return made;
  }

  /** Sends one bystander event and measures its way to the timeline, the alert and the receiver. */
  async function checkBystander(label: string, waitMs = 10_000): Promise<Bystander> {
    const run = `${label}-${++runs}`;
    const sent = Date.now();
    const accepted = await stack.ingest(bystander, {
      type: 'b.check',
      source: 'bystander',
      summary: `bystander after ${label}`,
      payload: { run },
    });
    expect(accepted.status).toBe(202);
    const id: string = accepted.body.id;
    const onTimeline = timeUntil(
      () =>
        stack
          .api('timeline', bystander, 'GET', `/api/v1/events?payload.run=${encodeURIComponent(run)}`)
          .then((r) => (r.body?.items ?? []).some((item: { id: string }) => item.id === id))
          .catch(() => false),
      sent,
      waitMs,
    );
    const fired = timeUntil(
      () =>
        stack
          .api('rules', bystander, 'GET', `/api/v1/alerts?ruleId=${bystanderRule}&limit=500`)
          .then((r) => (r.body?.items ?? []).some((alert: { eventIds: string[] }) => alert.eventIds.includes(id)))
          .catch(() => false),
      sent,
      waitMs,
    );
    const delivered = timeUntil(() => bystanderReceiver.forFact(id).length > 0, sent, waitMs);
    const [timelineMs, alertMs, deliveryMs] = await Promise.all([onTimeline, fired, delivered]);
    await sleep(SETTLE_MS);
    return { run, id, timelineMs, alertMs, deliveryMs, deliveries: bystanderReceiver.forFact(id).length };
  }

  /** The isolation property, with the figures in the failure message. */
  function expectUnaffected(b: Bystander, deliveryWithinMs = DELIVERY_WITHIN_MS): void {
    expect({
      onTimelineWithin2s: b.timelineMs !== null && b.timelineMs <= TIMELINE_WITHIN_MS,
      ruleFired: b.alertMs !== null && b.alertMs <= ALERT_WITHIN_MS,
      deliveredOnce: b.deliveries === 1 && b.deliveryMs !== null && b.deliveryMs <= deliveryWithinMs,
      figures: b,
    }).toEqual({ onTimelineWithin2s: true, ruleFired: true, deliveredOnce: true, figures: b });
  }

  function record(name: string, poison: Record<string, unknown>, b: Bystander): void {
    results.push({ case: name, poison, bystander: b });
    report(
      `${name}: ${JSON.stringify(poison)}; bystander on the timeline after ${b.timelineMs ?? 'never'} ms, ` +
        `alert after ${b.alertMs ?? 'never'} ms, delivered after ${b.deliveryMs ?? 'never'} ms (${b.deliveries} POSTs)`,
    );
  }

  /** A poison event refused at the edge: 400 naming the field; the bystander unaffected. */
  async function refusedAtTheEdge(name: string, event: Record<string, unknown>, field: (f: string) => boolean) {
    const a = await stack.createTenant(name);
    const answer = await stack.ingest(a, { type: 'a.poison', source: 'poison', summary: 'poison', ...event });
    const b = await checkBystander(name);
    record(name, { status: answer.status, fields: fieldsOf(answer.body) }, b);
    expect(answer.status).toBe(400);
    expect(fieldsOf(answer.body).some(field)).toBe(true);
    expectUnaffected(b);
  }

  describe('(a) NUL refused at the edge', () => {
    it('in a payload value: 400 naming payload.k', () =>
      refusedAtTheEdge('(a) NUL in a payload value', { payload: { k: 'v\u0000' } }, (f) => f === 'payload.k'));

    it('in a payload key: 400 naming the payload', () =>
      refusedAtTheEdge('(a) NUL in a payload key', { payload: { 'k\u0000': 'v' } }, (f) => f.startsWith('payload')));
  });

  describe('(b) a lone surrogate refused at the edge', () => {
    for (const field of ['summary', 'source', 'type'] as const) {
      it(`in ${field}: 400 naming ${field}`, () =>
        refusedAtTheEdge(`(b) lone surrogate in ${field}`, { [field]: `bad \udfff ${field}` }, (f) => f === field));
    }

    it('in a payload value: 400 naming payload.k', () =>
      refusedAtTheEdge(
        '(b) lone surrogate in a payload value',
        { payload: { k: 'v\udfff' } },
        (f) => f === 'payload.k',
      ));
  });

  it('(c) an alert summary whose value has an emoji across the 200-unit cut: well-formed, and the bystander still alerted', async () => {
    const a = await stack.createTenant('(c) emoji at the cut');
    const rule = await stack.api('rules', a, 'POST', '/api/v1/alert-rules', {
      name: 'cut',
      kind: 'match',
      match: { type: 'c.cut' },
      alert: { severity: 'warning', summary: '{{payload.v}}' },
    });
    expect(rule.status).toBe(201);
    const value = 'x'.repeat(199) + '\u{1F600}'; // the emoji is units 199 and 200: a cut at 200 splits it
    expect(
      (await stack.ingest(a, { type: 'c.cut', source: 'poison', summary: 'emoji', payload: { v: value } })).status,
    ).toBe(202);
    const alerts = await eventually(
      () => stack.api('rules', a, 'GET', `/api/v1/alerts?ruleId=${rule.body.id}`).then((r) => r.body?.items ?? []),
      (items: Json[]) => items.length > 0,
      { what: "tenant A's alert", timeoutMs: 10_000 },
    ).catch(() => [] as Json[]);
    const summary: string | undefined = alerts[0]?.summary;
    const b = await checkBystander('(c) emoji at the cut');
    record(
      '(c) emoji across the summary cut',
      {
        alertFired: alerts.length > 0,
        summaryLength: summary?.length,
        wellFormed: summary?.isWellFormed(),
        replacementChar: summary?.includes('\ufffd'),
      },
      b,
    );
    expect(summary).toBeDefined();
    expect(summary!.isWellFormed()).toBe(true);
    expect(summary!.startsWith('x'.repeat(199))).toBe(true);
    expect(summary).not.toContain('\ufffd');
    expectUnaffected(b);
  });

  it('(d) a type glob built to backtrack (*a*a*a*a*a*a*a*b) against 64-char types: the bystander is not held up; 9 stars are refused', async () => {
    const a = await stack.createTenant('(d) redos');
    const glob = '*a*a*a*a*a*a*a*b'; // 8 stars: allowed
    const aReceiver = await receiver();
    const rule = await stack.api('rules', a, 'POST', '/api/v1/alert-rules', {
      name: 'redos',
      kind: 'match',
      match: { type: glob },
      alert: { severity: 'info', summary: 'never' },
    });
    const hook = await stack.api('dispatcher', a, 'POST', '/api/v1/webhooks', {
      url: aReceiver.url,
      trigger: { events: { type: glob } },
    });
    expect(rule.status).toBe(201);
    expect(hook.status).toBe(201);
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await stack.ingest(a, { type: 'a'.repeat(64), source: 'poison', summary: `redos ${i}` })).status);
    }
    const sentInMs = Date.now() - started;
    const b = await checkBystander('(d) redos');
    const nine = '*a*a*a*a*a*a*a*a*b';
    const nineRule = await stack.api('rules', a, 'POST', '/api/v1/alert-rules', {
      name: 'nine',
      kind: 'match',
      match: { type: nine },
      alert: { severity: 'info', summary: 'never' },
    });
    const nineHook = await stack.api('dispatcher', a, 'POST', '/api/v1/webhooks', {
      url: aReceiver.url,
      trigger: { events: { type: nine } },
    });
    record(
      '(d) type-glob backtracking',
      {
        statuses,
        sentInMs,
        aDeliveries: aReceiver.receipts.length,
        nineStarRule: { status: nineRule.status, fields: fieldsOf(nineRule.body) },
        nineStarWebhook: { status: nineHook.status, fields: fieldsOf(nineHook.body) },
      },
      b,
    );
    expect(statuses).toEqual(Array(10).fill(202));
    expectUnaffected(b);
    expect(nineRule.status).toBe(400);
    expect(fieldsOf(nineRule.body)).toContain('match.type');
    expect(nineHook.status).toBe(400);
    expect(fieldsOf(nineHook.body)).toContain('trigger.events.type');
  });

  it('(e) a template that renders far over size: the delivery fails after one attempt with a reason; the bystander is delivered once, fast', async () => {
    const a = await stack.createTenant('(e) over-size render');
    const aReceiver = await receiver();
    const hook = await stack.api('dispatcher', a, 'POST', '/api/v1/webhooks', {
      url: aReceiver.url,
      trigger: { events: { type: 'e.big' } },
      // 100 copies of a 200 kB value: a 20 MB body from one event.
      template: { fields: { x: '{{payload.big}}'.repeat(100) } },
    });
    expect(hook.status).toBe(201);
    const big = 'y'.repeat(200_000);
    expect((await stack.ingest(a, { type: 'e.big', source: 'poison', summary: 'big', payload: { big } })).status).toBe(
      202,
    );
    const b = await checkBystander('(e) over-size render');
    const deliveries = await eventually(
      () =>
        stack
          .api('dispatcher', a, 'GET', `/api/v1/webhooks/${hook.body.id}/deliveries`)
          .then((r) => (r.body?.items ?? []) as Json[]),
      (items) => items.length > 0 && items[0].state !== 'pending',
      { what: "tenant A's delivery finished", timeoutMs: 15_000 },
    ).catch(() => [] as Json[]);
    const delivery = deliveries[0];
    const reason = delivery?.attempts?.[0]?.error ?? delivery?.error ?? delivery?.reason;
    record(
      '(e) over-size template render',
      {
        state: delivery?.state ?? 'none',
        attemptsCount: delivery?.attemptsCount,
        reason,
        postsToA: aReceiver.receipts.length,
        biggestPostToA: Math.max(0, ...aReceiver.receipts.map((r) => r.bytes)),
      },
      b,
    );
    expect(delivery?.state).toBe('failed');
    expect(delivery?.attemptsCount).toBe(1);
    expect(typeof reason === 'string' && reason.length > 0).toBe(true);
    expectUnaffected(b, 2_000);
  });

  it('(f) a receiver answering with a NUL byte in its body: recorded, delivered once', async () => {
    const a = await stack.createTenant('(f) NUL reply');
    const aReceiver = await receiver({ body: Buffer.from('ok\u0000thanks', 'utf8') });
    const hook = await stack.api('dispatcher', a, 'POST', '/api/v1/webhooks', {
      url: aReceiver.url,
      trigger: { events: { type: 'f.nul-reply' } },
    });
    expect(hook.status).toBe(201);
    const event = await stack.ingest(a, { type: 'f.nul-reply', source: 'poison', summary: 'reply with NUL' });
    expect(event.status).toBe(202);
    await eventually(
      () => aReceiver.forFact(event.body.id).length,
      (n) => n > 0,
      { what: "tenant A's delivery", timeoutMs: 10_000 },
    ).catch(() => 0);
    // Watched for 5 s: a reply that cannot be recorded would be sent again and again.
    await sleep(5_000);
    const posts = aReceiver.forFact(event.body.id);
    const history = await stack.api('dispatcher', a, 'GET', `/api/v1/webhooks/${hook.body.id}/deliveries`);
    const delivery = history.body?.items?.[0];
    const b = await checkBystander('(f) NUL reply');
    record(
      '(f) receiver body with NUL',
      {
        posts: posts.length,
        webhookIds: new Set(posts.map((p) => p.webhookId)).size,
        state: delivery?.state ?? 'none',
        attemptsCount: delivery?.attemptsCount,
        recordedStatus: delivery?.attempts?.[0]?.response?.status,
        recordedBody: delivery?.attempts?.[0]?.response?.body,
      },
      b,
    );
    expect(posts.length).toBe(1);
    expect(delivery?.state).toBe('delivered');
    expect(delivery?.attemptsCount).toBe(1);
    expect(delivery?.attempts?.[0]?.response?.status).toBe(200);
    expectUnaffected(b);
  });

  describe('(g) custom header values that cannot be sent are refused at creation', () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      ['a control character (\\x01)', { 'X-Ctl': 'a\u0001b' }, 'X-Ctl'],
      ['DEL (\\x7f)', { 'X-Del': 'a\u007fb' }, 'X-Del'],
      ['a non-ASCII letter (é)', { 'X-Accent': 'caf\u00e9' }, 'X-Accent'],
      ['an Expect header', { Expect: '100-continue' }, 'Expect'],
    ];
    for (const [what, headers, name] of cases) {
      it(`${what}: 400 naming the header`, async () => {
        const a = await stack.createTenant(`(g) ${what}`);
        const aReceiver = await receiver();
        const hook = await stack.api('dispatcher', a, 'POST', '/api/v1/webhooks', {
          url: aReceiver.url,
          trigger: { events: {} },
          headers,
        });
        const b = await checkBystander(`(g) ${what}`);
        record(`(g) header ${what}`, { status: hook.status, fields: fieldsOf(hook.body) }, b);
        expect(hook.status).toBe(400);
        expect(fieldsOf(hook.body).some((f) => f.includes(name))).toBe(true);
        expectUnaffected(b);
      });
    }
  });

  it('(h) a poison event.ingested published straight on the log (NUL in its payload): set aside by the timeline, never holding up a consumer; the bystander unaffected', async () => {
    const a = await stack.createTenant('(h) poison fact');
    // Tenant A has a rule and a webhook the poison fact matches, so every consumer of the events stream has work to do with it.
    const rule = await stack.api('rules', a, 'POST', '/api/v1/alert-rules', {
      name: 'poison',
      kind: 'match',
      match: { type: 'h.poison' },
      alert: { severity: 'info', summary: 'poison {{payload.k}}' },
    });
    const aReceiver = await receiver();
    const hook = await stack.api('dispatcher', a, 'POST', '/api/v1/webhooks', {
      url: aReceiver.url,
      trigger: { events: { type: 'h.*' } },
    });
    expect(rule.status).toBe(201);
    expect(hook.status).toBe(201);
    const id = uuidv7();
    const fact = {
      schemaVersion: 1,
      kind: 'event.ingested',
      id,
      tenantId: a.id,
      correlationId: id,
      causationId: null,
      type: 'h.poison',
      module: 'custom',
      source: 'poison',
      summary: 'a fact the edge would have refused',
      severity: 'info',
      payload: { k: 'v\u0000' },
      receivedAt: new Date().toISOString(),
    };
    // The bytes as any publisher could write them, past every check of the gateway.
    const headers = natsHeaders();
    headers.set(HEADER_KIND, 'event.ingested');
    headers.set(HEADER_SCHEMA_VERSION, '1');
    headers.set(HEADER_CORRELATION_ID, id);
    const ack = await nats.js.publish(nats.subjects.event(a.id), Buffer.from(JSON.stringify(fact)), {
      msgID: id,
      headers,
    });
    const b = await checkBystander('(h) poison fact');

    // What each consumer did with it: set it aside (a dead letter naming the stream sequence), or applied it.
    const letters = await eventually(
      () => deadLettersFor(ack.seq),
      (found) => found.includes(TIMELINE_CONSUMER),
      { what: 'the poison fact dead-lettered by the timeline', timeoutMs: 15_000 },
    ).catch(() => deadLettersFor(ack.seq));
    const alerts = await eventually(
      () =>
        stack
          .api('rules', a, 'GET', `/api/v1/alerts?ruleId=${rule.body.id}`)
          .then((r) => (r.body?.items ?? []) as Json[]),
      (items) => items.length > 0,
      { what: "tenant A's alert on the poison fact", timeoutMs: 5_000 },
    ).catch(() => [] as Json[]);
    await eventually(
      () => aReceiver.forFact(id).length,
      (n) => n > 0,
      { what: "tenant A's delivery of the poison fact", timeoutMs: 5_000 },
    ).catch(() => 0);
    await sleep(SETTLE_MS);
    const finalLetters = await deadLettersFor(ack.seq);
    const onATimeline = await stack.api('timeline', a, 'GET', '/api/v1/events');
    const summary: string | undefined = alerts[0]?.summary;
    const posts = aReceiver.forFact(id).length;
    record(
      '(h) poison fact on the log',
      {
        streamSequence: ack.seq,
        deadLetteredBy: finalLetters,
        onTenantATimeline: (onATimeline.body?.items ?? []).map((item: { kind: string }) => item.kind),
        alertOfA: summary === undefined ? 'none' : { summary, hasNul: summary.includes('\u0000') },
        postsToA: posts,
      },
      b,
    );
    const storable = (text?: string) => text !== undefined && !text.includes('\u0000') && text.isWellFormed();
    expect({
      // The timeline stores the payload (jsonb cannot hold NUL): it must set the fact aside, not stall on it.
      timelineSetItAside: letters.includes(TIMELINE_CONSUMER),
      // The evaluator sets it aside too, or applies it: A's alert fires with a summary that can be stored.
      evaluatorSetItAsideOrApplied: finalLetters.includes('alert-evaluation') || storable(summary),
      // The dispatcher sets it aside too, or delivers it once.
      dispatcherSetItAsideOrDeliveredOnce: finalLetters.includes('webhook-fanout') || posts === 1,
    }).toEqual({
      timelineSetItAside: true,
      evaluatorSetItAsideOrApplied: true,
      dispatcherSetItAsideOrDeliveredOnce: true,
    });
    expectUnaffected(b);
  });

  /** The consumers that dead-lettered the message at `sequence` of the events stream. */
  async function deadLettersFor(sequence: number): Promise<string[]> {
    const info = await nats.jsm.streams.info(nats.streams.deadLetters);
    const consumers: string[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const stored = await nats.jsm.streams.getMessage(nats.streams.deadLetters, { seq }).catch(() => null);
      if (!stored || !stored.subject.startsWith(`${nats.namespace}.deadletter.`)) continue;
      const letter = JSON.parse(Buffer.from(stored.data).toString('utf8')) as {
        consumer: string;
        stream: string;
        streamSequence: number;
      };
      if (letter.stream === nats.streams.events && letter.streamSequence === sequence) consumers.push(letter.consumer);
    }
    return consumers;
  }
});
