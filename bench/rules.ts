/**
 * `npm run bench:rules`: how many events per second the rule evaluator judges against a tenant's rules,
 * and how soon a matching event becomes an `alert.fired` fact on the log, each against a baseline
 * measured in the same run.
 *
 *   npm run bench:rules -- --events 200000 --rule-counts 100,1000 --rate 1000 --duration 20 --warmup 5
 *
 * Throughput (per rule count, on a fresh namespace and database): the tenant gets K rules (a mix of
 * exact and glob types, minimum severities, payload conditions, thresholds and groups), --events
 * events are published onto the log, then the evaluator starts and works through the backlog; events/s
 * is the backlog over the time its consumer took to drain it. Baseline: a bare consumer reading and
 * decoding the same backlog, no rules, no database.
 *
 * Latency: the gateway and the evaluator run; one tenant with 100 rules gets --rate events/s (batch
 * POSTs) and 10 probe events/s (single POSTs), each probe firing an alert of its own (a rule grouped by
 * the probe's number). Latency is from the probe's 202 to its `alert.fired` on the log (a core NATS
 * subscription on the tenant's alert subject). Baseline: a bare evaluator (a consumer that, for each
 * probe event on the log, publishes a message at once) on the same probes.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { v7 as uuidv7 } from 'uuid';
import { ApiTokenIssuedCodec, eventIngested, EventIngestedCodec, streamNamesFor, subjectsFor } from '@daalu/contracts';
import { JetStreamPublisher, PipelinedPublisher } from '@daalu/platform/jetstream';
import { generateToken, hashToken } from '@daalu/platform/tenancy';
import { BenchStack } from './support/bench-stack';
import { createLoadTenant } from './support/tenants';
import { envelopeAt, seededRandom } from './support/event-mix';
import { log, percentile, positiveInt, ratio, round, sleep } from './support/util';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    'rule-counts': { type: 'string', default: '100,1000' },
    silences: { type: 'string', default: '20' },
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    'skip-throughput': { type: 'boolean', default: false },
    'skip-latency': { type: 'boolean', default: false },
  },
});
const eventCount = positiveInt('events', values.events, 1000);
const ruleCounts = values['rule-counts'].split(',').map((n) => positiveInt('rule-counts', n, 1));
const silenceCount = positiveInt('silences', values.silences, 0);
const rate = positiveInt('rate', values.rate, 1);
const duration = positiveInt('duration', values.duration, 1);
const warmup = positiveInt('warmup', values.warmup, 0);

const GATEWAY_MAIN = join(__dirname, '..', 'apps', 'ingest-gateway', 'src', 'main.js');
const EVALUATOR_MAIN = join(__dirname, '..', 'apps', 'rule-evaluator', 'src', 'main.js');
const BATCH = 50;
const PROBES_PER_SECOND = 10;

const TYPES = [
  'deploy.started',
  'deploy.failed',
  'check.failed',
  'backup.failed',
  'job.finished',
  'queue.backlog',
  'login.failed',
];

/** The i-th rule of the mix: realistic conditions, most of which most events miss. */
function ruleAt(i: number): object {
  const alert = { severity: 'warning', summary: 'rule {{type}} on {{payload.service}}' };
  switch (i % 4) {
    case 0:
      return {
        name: `r${i}`,
        kind: 'match',
        match: { type: TYPES[i % TYPES.length], minSeverity: 'critical' },
        groupBy: 'payload.service',
        alert,
      };
    case 1:
      return {
        name: `r${i}`,
        kind: 'match',
        match: {
          type: 'deploy.*',
          payload: [
            { field: 'env', op: 'eq', value: 'prod' },
            { field: 'service', op: 'eq', value: `svc-${i % 30}` },
          ],
        },
        alert,
        resolve: { quietSeconds: 600 },
      };
    case 2:
      return {
        name: `r${i}`,
        kind: 'match',
        match: { source: `source-${i % 50}`, payload: [{ field: 'n', op: 'gt', value: 1_000_000_000 }] },
        alert,
      };
    default:
      return {
        name: `r${i}`,
        kind: 'match',
        match: {
          type: '*.failed',
          payload: [{ field: 'host', op: 'in', value: [`host-${i % 200}`, `host-${(i + 1) % 200}`] }],
        },
        threshold: { count: 3, windowSeconds: 60 },
        groupBy: 'payload.host',
        alert,
      };
  }
}

/** A tenant with an API token, as the gateway would have issued it (no gateway needed). */
async function tenantWithToken(stack: BenchStack): Promise<{ id: string; token: string }> {
  const id = uuidv7();
  const token = generateToken('api-token');
  const issuedId = uuidv7();
  await new JetStreamPublisher(jetstream(stack.nc)).publish(
    subjectsFor(stack.namespace).config(id, 'api-token'),
    ApiTokenIssuedCodec,
    {
      schemaVersion: 1,
      kind: 'api-token.issued',
      id: issuedId,
      tenantId: id,
      correlationId: issuedId,
      causationId: null,
      occurredAt: new Date().toISOString(),
      tokenId: uuidv7(),
      tokenHash: hashToken(token),
      tokenPrefix: 'dat_bench…',
    },
  );
  return { id, token };
}

/**
 * Silences present while the backlog is judged (maintenance windows of the tenant): by severity, by
 * group, by payload condition, active for the whole run. Each alert that fires is judged against them.
 */
async function createSilences(url: string, token: string, count: number): Promise<void> {
  const endsAt = new Date(Date.now() + 3_600_000).toISOString();
  for (let i = 0; i < count; i++) {
    const matchers = [
      { severity: 'info' },
      { groupKey: `svc-${i}` },
      { payload: [{ field: 'service', op: 'eq', value: `svc-${i}` }] },
    ][i % 3];
    const res = await fetch(`${url}/api/v1/silences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ matchers, endsAt, comment: `bench ${i}` }),
    });
    if (res.status !== 201) throw new Error(`creating silence ${i}: ${res.status} ${await res.text()}`);
  }
}

async function createRules(url: string, token: string, count: number, first = 0): Promise<void> {
  let next = first;
  const end = first + count;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < end) {
        const i = next++;
        const res = await fetch(`${url}/api/v1/alert-rules`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(ruleAt(i)),
        });
        if (res.status === 401 && i === first) {
          // The token's fact is still on its way to the app: once more, a moment later.
          await sleep(200);
          next = Math.min(next, i);
          continue;
        }
        if (res.status !== 201) throw new Error(`creating rule ${i}: ${res.status} ${await res.text()}`);
      }
    }),
  );
}

interface ThroughputResult {
  rules: number;
  events: number;
  evaluatorSeconds: number;
  evaluatorPerSec: number;
  bareSeconds: number;
  barePerSec: number;
  ratio: number | null;
  alertFacts: number;
}

async function measureThroughput(rules: number): Promise<ThroughputResult> {
  const stack = await BenchStack.open('bench:rules', 'benchrl');
  try {
    const streams = streamNamesFor(stack.namespace);
    const subjects = subjectsFor(stack.namespace);
    // The apps provision the streams: start one before writing to the log.
    let evaluator = await stack.start('evaluator', EVALUATOR_MAIN);
    const tenant = await tenantWithToken(stack);
    log(`${rules} rules: creating them`);
    await createRules(evaluator.url, tenant.token, rules);
    if (silenceCount > 0) {
      log(`${rules} rules: creating ${silenceCount} silences`);
      await createSilences(evaluator.url, tenant.token, silenceCount);
    }
    await evaluator.child.stop(15_000);

    log(`${rules} rules: publishing ${eventCount} events onto the log`);
    const pipeline = new PipelinedPublisher(stack.nc, 30_000);
    const publisher = new JetStreamPublisher(jetstream(stack.nc), 30_000, pipeline);
    const random = seededRandom(rules);
    // After the rules were created: a rule judges only events received after it existed.
    const started = Date.now();
    const window = new Set<Promise<unknown>>();
    for (let n = 0; n < eventCount; n++) {
      const event = eventIngested(uuidv7(), tenant.id, envelopeAt(n, random), new Date(started + n).toISOString());
      const pub = publisher.publish(subjects.event(tenant.id), EventIngestedCodec, event);
      window.add(pub);
      void pub.finally(() => window.delete(pub));
      if (window.size >= 2000) await Promise.race(window);
    }
    await Promise.all(window);
    pipeline.close();

    // Baseline: read and decode the backlog, nothing else.
    const bareStarted = performance.now();
    const bare = await jetstream(stack.nc).consumers.get(streams.events, {
      filter_subjects: subjects.allEvents,
      deliver_policy: DeliverPolicy.All,
    });
    const messages = await bare.consume({ max_messages: 1000 });
    let read = 0;
    for await (const msg of messages) {
      EventIngestedCodec.decode(msg.data);
      if (++read >= eventCount) break;
    }
    await messages.close();
    const bareSeconds = (performance.now() - bareStarted) / 1000;

    log(`${rules} rules: the evaluator works through the backlog`);
    // Watched from before the process starts: it is ready only once it has caught up.
    let firstMove: number | undefined;
    let done: number | undefined;
    let watching = true;
    const watch = (async () => {
      while (watching && done === undefined) {
        const info = await stack.jsm.consumers.info(streams.events, 'alert-evaluation').catch(() => null);
        const now = performance.now();
        if (info) {
          const left = info.num_pending + info.num_ack_pending;
          if (firstMove === undefined && left < eventCount) firstMove = now;
          if (left === 0) done = now;
        }
        await sleep(20);
      }
    })();
    evaluator = await stack.start('evaluator', EVALUATOR_MAIN);
    while (done === undefined) {
      if (!evaluator.child.alive) throw new Error(`the evaluator died\n${evaluator.child.output()}`);
      await sleep(20);
    }
    watching = false;
    await watch;
    const evaluatorSeconds = (done - (firstMove ?? done)) / 1000 + 0.02;
    const alertInfo = await stack.jsm.streams.info(streams.events, { subjects_filter: subjects.allAlerts });
    const alertFacts = Object.values(alertInfo.state.subjects ?? {}).reduce((sum, n) => sum + n, 0);
    return {
      rules,
      events: eventCount,
      evaluatorSeconds: round(evaluatorSeconds, 2),
      evaluatorPerSec: round(eventCount / evaluatorSeconds),
      bareSeconds: round(bareSeconds, 2),
      barePerSec: round(eventCount / bareSeconds),
      ratio: ratio(eventCount / evaluatorSeconds, eventCount / bareSeconds),
      alertFacts,
    };
  } finally {
    await stack.cleanup();
  }
}

interface LatencyResult {
  rate: number;
  rules: number;
  acceptedEventsPerSec: number;
  probes: number;
  missing: number;
  evaluator: { p50Ms: number; p99Ms: number; maxMs: number };
  bare: { p50Ms: number; p99Ms: number; maxMs: number };
  p99Ratio: number | null;
}

async function measureLatency(): Promise<LatencyResult> {
  const stack = await BenchStack.open('bench:rules', 'benchrl');
  try {
    const streams = streamNamesFor(stack.namespace);
    const subjects = subjectsFor(stack.namespace);
    const gateway = await stack.start('gateway', GATEWAY_MAIN);
    const evaluator = await stack.start('evaluator', EVALUATOR_MAIN);
    const tenant = await createLoadTenant(gateway.url, stack.operatorToken, 1000);
    await createRules(evaluator.url, tenant.apiToken, 100);
    const probeRule = await fetch(`${evaluator.url}/api/v1/alert-rules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'probe',
        kind: 'match',
        match: { type: 'bench.probe' },
        groupBy: 'payload.n',
        alert: { severity: 'info', summary: 'probe {{payload.n}}' },
      }),
    });
    if (probeRule.status !== 201) throw new Error(`probe rule: ${probeRule.status} ${await probeRule.text()}`);

    const acked = new Map<string, number>();
    const byEvaluator = new Map<string, number>();
    const byBare = new Map<string, number>();
    let measuring = false;
    let accepted = 0;
    let stop = false;

    // What the evaluator put on the log, as any subscriber sees it.
    const alerts = stack.nc.subscribe(subjects.alert(tenant.id), {
      callback: (_error, msg) => {
        const fact = msg.json<{ kind: string; ruleName: string; eventIds: string[] }>();
        if (fact.kind === 'alert.fired' && fact.ruleName === 'probe')
          byEvaluator.set(fact.eventIds[0], performance.now());
      },
    });
    // Baseline: a bare evaluator, which answers each probe event on the log at once.
    const bareSubject = `${stack.namespace}.bench.bare`;
    const bareSeen = stack.nc.subscribe(bareSubject, {
      callback: (_error, msg) => void byBare.set(msg.string(), performance.now()),
    });
    const bareConsumer = await jetstream(stack.nc).consumers.get(streams.events, {
      filter_subjects: subjects.event(tenant.id),
      deliver_policy: DeliverPolicy.New,
    });
    const bareMessages = await bareConsumer.consume();
    const bare = (async () => {
      for await (const msg of bareMessages) {
        const event = msg.json<{ id: string; type: string }>();
        if (event.type === 'bench.probe') stack.nc.publish(bareSubject, event.id);
      }
    })();

    const random = seededRandom(7);
    const bodies = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify(Array.from({ length: BATCH }, (_, j) => envelopeAt(i * BATCH + j, random))),
    );
    const load = (async () => {
      const started = performance.now();
      for (let n = 0; !stop; n++) {
        const wait = started + (n * 1000 * BATCH) / rate - performance.now();
        if (wait > 0) await sleep(wait);
        void fetch(`${gateway.url}/api/v1/events/batch`, {
          method: 'POST',
          headers: { 'x-daalu-key': tenant.ingestKey, 'content-type': 'application/json' },
          body: bodies[n % bodies.length],
        }).then(async (res) => {
          await res.arrayBuffer();
          if (measuring && res.status === 202) accepted += BATCH;
        });
      }
    })();
    const probes = (async () => {
      for (let n = 0; !stop; n++) {
        await sleep(1000 / PROBES_PER_SECOND);
        const sentMeasuring = measuring;
        void fetch(`${gateway.url}/api/v1/events`, {
          method: 'POST',
          headers: { 'x-daalu-key': tenant.ingestKey, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'bench.probe', source: 'bench', summary: `probe ${n}`, payload: { n } }),
        }).then(async (res) => {
          const now = performance.now();
          const body = (await res.json()) as { id?: string };
          if (res.status === 202 && body.id && sentMeasuring && measuring) acked.set(body.id, now);
        });
      }
    })();

    log(`latency: ${rate} events/s, warm-up ${warmup} s`);
    await sleep(warmup * 1000);
    measuring = true;
    log(`latency: measuring ${duration} s`);
    await sleep(duration * 1000);
    measuring = false;
    stop = true;
    await Promise.all([load, probes]);
    const deadline = performance.now() + 5000;
    while (performance.now() < deadline && [...acked.keys()].some((id) => !byEvaluator.has(id))) await sleep(50);
    alerts.unsubscribe();
    bareSeen.unsubscribe();
    await bareMessages.close();
    await bare;

    const latencies = (seen: Map<string, number>) =>
      [...acked].flatMap(([id, at]) => (seen.has(id) ? [Math.max(0, seen.get(id)! - at)] : []));
    const stats = (ms: number[]) => ({
      p50Ms: round(percentile(ms, 50), 1),
      p99Ms: round(percentile(ms, 99), 1),
      maxMs: round(Math.max(...ms), 1),
    });
    const evaluatorMs = latencies(byEvaluator);
    const evaluatorStats = stats(evaluatorMs);
    const bareStats = stats(latencies(byBare));
    return {
      rate,
      rules: 101,
      acceptedEventsPerSec: round(accepted / duration),
      probes: acked.size,
      missing: acked.size - evaluatorMs.length,
      evaluator: evaluatorStats,
      bare: bareStats,
      p99Ratio: ratio(evaluatorStats.p99Ms, bareStats.p99Ms),
    };
  } finally {
    await stack.cleanup();
  }
}

async function main(): Promise<number> {
  const throughput: ThroughputResult[] = [];
  let latency: LatencyResult | undefined;
  try {
    if (!values['skip-throughput']) {
      for (const rules of ruleCounts) {
        const result = await measureThroughput(rules);
        throughput.push(result);
        log(
          `${rules} rules: ${result.evaluatorPerSec} events/s (${result.evaluatorSeconds} s); bare ${result.barePerSec}/s; ` +
            `ratio ${result.ratio}; ${result.alertFacts} alert facts`,
        );
      }
    }
    if (!values['skip-latency']) {
      latency = await measureLatency();
      log(
        `latency: evaluator p50 ${latency.evaluator.p50Ms} ms, p99 ${latency.evaluator.p99Ms} ms; ` +
          `bare p50 ${latency.bare.p50Ms} ms, p99 ${latency.bare.p99Ms} ms (${latency.probes} probes, ${latency.missing} missing)`,
      );
    }
  } catch (error) {
    log(`bench:rules failed: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
  if (throughput.length > 0) {
    log(
      '\n| rules in the tenant | events | evaluator s | **evaluator events/s** | bare read events/s | ratio | alert facts |',
    );
    log('|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of throughput) {
      log(
        `| ${r.rules} | ${r.events} | ${r.evaluatorSeconds} | **${r.evaluatorPerSec}** | ${r.barePerSec} | ${r.ratio} | ${r.alertFacts} |`,
      );
    }
  }
  if (latency) {
    log(
      '\n| events/s | rules | accepted/s | probes | evaluator p50 ms | **evaluator p99 ms** | max ms | bare p50 ms | bare p99 ms | p99 ratio |',
    );
    log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    const l = latency;
    log(
      `| ${l.rate} | ${l.rules} | ${l.acceptedEventsPerSec} | ${l.probes} | ${l.evaluator.p50Ms} | **${l.evaluator.p99Ms}** | ${l.evaluator.maxMs} | ${l.bare.p50Ms} | ${l.bare.p99Ms} | ${l.p99Ratio} |`,
    );
  }
  process.stdout.write(`${JSON.stringify({ eventCount, ruleCounts, rate, duration, throughput, latency })}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`bench:rules failed: ${String(error)}`);
    process.exit(1);
  },
);
