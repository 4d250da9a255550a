import {
  MAX_RENDERED_BYTES,
  RenderBudget,
  RenderTooLargeError,
  renderTemplate,
  TEMPLATE_LIMITS,
  templateProblems,
} from './body-template';
import { customHeaderProblem, customHeadersProblems } from './custom-headers';
import {
  giveUpReason,
  maxHandOuts,
  maxScheduledAttempts,
  nextAttemptAt,
  PRODUCTION_SCHEDULE,
  retryScheduleOf,
  type RetrySchedule,
} from './retry-schedule';
import { ratePerSecondOf } from './delivery-settings';
import { signatureHeaders } from './signing';
import { triggerFires } from './triggers';

describe('renderTemplate output budget', () => {
  const event = { summary: 'disk', payload: { blob: 'x'.repeat(100_000), n: 1 } };

  it('renders what fits, and counts exactly the bytes JSON.stringify writes', () => {
    const fields = {
      title: 'Daalu: {{summary}} "quoted" é 🚀 \n {{payload.n}}',
      whole: '{{payload}}',
      list: ['{{summary}}', 7, null, true, { 'k"ey': 'a {{nope}}' }],
      missing: '{{nope}}',
    };
    const budget = new RenderBudget();
    const rendered = renderTemplate(fields, event, budget);
    expect(rendered).toEqual({
      title: 'Daalu: disk "quoted" é 🚀 \n 1',
      whole: event.payload,
      list: ['disk', 7, null, true, { 'k"ey': 'a ' }],
      missing: null,
    });
    expect(budget.usedBytes).toBe(Buffer.byteLength(JSON.stringify(rendered)));
  });

  it('stops as soon as the output passes 1 MiB, without building it first', () => {
    // The reproduced case: a ~20 KB template repeating a 100 KB value, ~115 MB if rendered whole.
    const fields = Object.fromEntries(Array.from({ length: 1150 }, (_, i) => [`f${i}`, 'x {{payload.blob}}']));
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    expect(() => renderTemplate(fields, event)).toThrow(RenderTooLargeError);
    expect(() => renderTemplate(fields, event)).toThrow('rendered body is over 1 MiB');
    expect(performance.now() - started).toBeLessThan(500);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
    // One string with many placeholders is cut short too, and whole values count their JSON.
    expect(() => renderTemplate({ t: '{{payload.blob}}'.repeat(20) }, event)).toThrow(RenderTooLargeError);
    expect(() => renderTemplate(Array(20).fill('{{payload}}'), event)).toThrow(RenderTooLargeError);
  });

  it('allows exactly the budget, and a budget shared by several renders (a batch)', () => {
    const exact = { v: 'x'.repeat(MAX_RENDERED_BYTES - '{"v":""}'.length) };
    expect(JSON.stringify(renderTemplate(exact, {})).length).toBe(MAX_RENDERED_BYTES);
    expect(() => renderTemplate({ v: `${exact.v}x` }, {})).toThrow(RenderTooLargeError);
    const shared = new RenderBudget(250_000);
    renderTemplate('{{payload.blob}}', event, shared);
    renderTemplate('{{payload.blob}}', event, shared);
    expect(() => renderTemplate('{{payload.blob}}', event, shared)).toThrow('rendered body is over 250000 bytes');
  });

  it('counts escapes: a value of quotes and control characters weighs what it is sent as', () => {
    const data = { v: '\u0001'.repeat(200_000) }; // 6 bytes each once escaped
    expect(() => renderTemplate({ a: 'x{{v}}' }, data)).toThrow(RenderTooLargeError);
  });
});

describe('templateProblems', () => {
  it('accepts a ticket template', () => {
    expect(templateProblems({ fields: { summary: '{{summary}}', project: { key: 'OPS' } } })).toEqual([]);
  });

  it('refuses templates too big, too deep, or with too many placeholders', () => {
    expect(templateProblems({ big: 'x'.repeat(TEMPLATE_LIMITS.maxJsonChars) })).toEqual([
      expect.stringMatching(/at most 20,000 characters of JSON/),
    ]);
    let deep: unknown = 'x';
    for (let i = 0; i < TEMPLATE_LIMITS.maxDepth + 1; i++) deep = [deep];
    expect(templateProblems(deep)).toEqual([expect.stringMatching(/at most 32 deep/)]);
    const many = { t: '{{a}}'.repeat(TEMPLATE_LIMITS.maxPlaceholders + 1) };
    expect(templateProblems(many)).toEqual([
      expect.stringMatching(/at most 500 \{\{…\}\} placeholders \(it has 501\)/),
    ]);
    expect(templateProblems({ t: '{{a}}'.repeat(TEMPLATE_LIMITS.maxPlaceholders) })).toEqual([]);
  });
});

describe('custom headers', () => {
  it.each([
    ['Host', 'example.com', /connection/],
    ['content-length', '5', /connection/],
    ['Transfer-Encoding', 'chunked', /connection/],
    ['Connection', 'close', /connection/],
    ['Expect', '100-continue', /connection/],
    ['Upgrade', 'h2c', /connection/],
    ['Keep-Alive', 'timeout=5', /connection/],
    ['TE', 'trailers', /connection/],
    ['Trailer', 'x', /connection/],
    ['Proxy-Authorization', 'Basic x', /connection/],
    ['Content-Type', 'text/plain', /set by Daalu/],
    ['User-Agent', 'me', /set by Daalu/],
    ['X-Daalu-Signature', 'x', /set by Daalu/],
    ['WEBHOOK-ID', 'x', /set by Daalu/],
    ['Bad Name', 'x', /not a valid header name/],
    ['Bad\u0000', 'x', /not a valid header name/],
    ['Naïve', 'x', /not a valid header name/],
    ['X-Ctl', 'a\u0001b', /U\+0001 at character 2/],
    ['X-Del', 'a\u007f', /U\+007F/],
    ['X-Nul', '\u0000', /U\+0000/],
    ['X-Cr', 'a\rb', /U\+000D/],
    ['X-Lf', 'a\nb', /U\+000A/],
    ['X-Latin1', 'café', /U\+00E9/],
    ['X-Emoji', 'ok 🚀', /U\+1F680 at character 4/],
    ['X-Long', 'x'.repeat(4097), /at most 4096/],
    ['X-Number', 7, /must be a string/],
  ])('refuses %s: %j', (name, value, reason) => {
    expect(customHeaderProblem(name, value)).toMatch(reason);
  });

  it('refuses every header the signature sets, in any case', () => {
    const signed = signatureHeaders(['whsec_' + 'a'.repeat(43) + '=', 'whsec_' + 'b'.repeat(43) + '='], 'id', 1, '{}');
    expect(Object.keys(signed)).toHaveLength(5);
    for (const name of Object.keys(signed)) {
      expect(customHeaderProblem(name, 'x')).toMatch(/set by Daalu/);
      expect(customHeaderProblem(name.toUpperCase(), 'x')).toMatch(/set by Daalu/);
    }
  });

  it('accepts ordinary ones, and names one given twice in another case', () => {
    expect(customHeaderProblem('Authorization', 'Bearer abc.def')).toBeNull();
    expect(customHeaderProblem('X-Tabs', 'a\tb c ~')).toBeNull();
    expect(customHeaderProblem('X-Empty', '')).toBeNull();
    expect(customHeadersProblems({ 'X-Api-Key': 'a', 'x-api-key': 'b', Host: 'h' })).toEqual([
      { name: 'x-api-key', reason: expect.stringMatching(/given twice/) },
      { name: 'Host', reason: expect.stringMatching(/connection/) },
    ]);
  });
});

describe('bounded attempts', () => {
  const shortest = (schedule: RetrySchedule) => {
    let attempts = 1;
    for (let now = 0; ; attempts++) {
      const next = nextAttemptAt(schedule, attempts, 0, now, undefined, () => 0);
      if (next === null) return attempts;
      now = next;
    }
  };

  it('knows the most attempts a schedule makes in its window', () => {
    for (const schedule of [
      PRODUCTION_SCHEDULE,
      { baseMs: 200, windowMs: 20_000, maxStepMs: 5_000 },
      { baseMs: 10, windowMs: 3_000, maxStepMs: 750 },
      { baseMs: 1000, windowMs: 1000, maxStepMs: 1000 },
    ]) {
      expect(maxScheduledAttempts(schedule)).toBeGreaterThanOrEqual(shortest(schedule));
      expect(maxScheduledAttempts(schedule)).toBeLessThanOrEqual(shortest(schedule) + 1);
    }
    expect(maxScheduledAttempts({ baseMs: 10, windowMs: 7 * 86_400_000, maxStepMs: 10 })).toBeGreaterThan(1e8);
  });

  it('gives a delivery up after its window and grace, or after more hand-outs than the window allows', () => {
    const most = maxHandOuts(PRODUCTION_SCHEDULE);
    expect(most).toBeGreaterThan(4000); // about one a second for the hour and its 10 minutes
    expect(most).toBeLessThan(5000);
    const hour = PRODUCTION_SCHEDULE.windowMs;
    expect(giveUpReason(PRODUCTION_SCHEDULE, 0, 12, hour + 60_000)).toBeNull(); // a late last try
    expect(giveUpReason(PRODUCTION_SCHEDULE, 0, 12, hour + 11 * 60_000)).toBe('retry window over');
    expect(giveUpReason(PRODUCTION_SCHEDULE, null, most, 10 * hour)).toBeNull(); // never attempted: queued
    expect(giveUpReason(PRODUCTION_SCHEDULE, null, most + 1, 0)).toMatch(/handed out \d+ times/);
  });
});

describe('retryScheduleOf', () => {
  it('caps a step at a quarter of the window and at 15 minutes, never below the first step', () => {
    expect(retryScheduleOf(5_000, 3_600_000)).toEqual(PRODUCTION_SCHEDULE);
    expect(retryScheduleOf(200, 1_000)).toEqual({ baseMs: 200, windowMs: 1_000, maxStepMs: 250 });
    expect(retryScheduleOf(5_000, 8_000)).toEqual({ baseMs: 5_000, windowMs: 8_000, maxStepMs: 5_000 });
  });
});

describe('ratePerSecondOf', () => {
  const spec = (ratePerSecond?: number) =>
    ({ url: 'https://x.example', description: '', trigger: {}, enabled: true, delivery: { ratePerSecond } }) as const;
  it("is the webhook's own rate, never above the platform's", () => {
    expect(ratePerSecondOf(spec(2), 50)).toBe(2);
    expect(ratePerSecondOf(spec(50), 5)).toBe(5);
    expect(ratePerSecondOf(spec(undefined), 50)).toBe(50);
  });
});

describe('triggers with the shared glob', () => {
  const event = (type: string) =>
    ({ kind: 'event.ingested', type, module: 'ci', source: 's', severity: 'info' }) as const;

  it('matches in linear time where the old regular expression backtracked', () => {
    const started = performance.now();
    expect(triggerFires({ events: { type: '*a*a*a*a*a*a*a*b' } }, event('a'.repeat(50_000)))).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
    expect(triggerFires({ events: { type: 'deploy.*' } }, event('deploy.failed'))).toBe(true);
    expect(triggerFires({ events: { type: 'a+b.*' } }, event('a+b.c'))).toBe(true);
    expect(triggerFires({ events: { type: 'a+b.*' } }, event('aab.c'))).toBe(false);
  });

  it('fires on nothing for a stored pattern the glob refuses, instead of throwing', () => {
    expect(triggerFires({ events: { type: '*'.repeat(9) } }, event('x'))).toBe(false);
  });
});
