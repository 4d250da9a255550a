/**
 * `npm run bench:timeline`: how soon an accepted event can be found on the timeline, and how fast the
 * timeline is rebuilt from the log, with a baseline measured in the same run for each.
 *
 *   npm run bench:timeline -- --rates 1000,5000 --duration 20 --warmup 5 --events 1000000
 *   npm run bench:timeline -- --skip-rebuild          # latency only
 *   npm run bench:timeline -- --skip-latency --events 200000
 *   npm run bench:timeline -- --skip-latency --skip-rebuild --catch-up 200000
 *
 * Latency: the real ingest gateway and timeline projector run as processes. A load generator POSTs
 * batches of --batch envelopes to /api/v1/events/batch across --tenants tenants at each --rates
 * (events/s); meanwhile a probe tenant gets 10 single POSTs per second. For each probe, the latency is
 * the time from its 202 to the first `GET /api/v1/events` (polled every 5 ms) that returns it.
 * Baseline: the same probes through a bare projection (a consumer that inserts each probe into an
 * unindexed table, autocommit, polled with plain SQL every 5 ms): the least any projection can take here.
 *
 * Catch-up (with --catch-up N): the timeline projector is stopped, N events of the latency load's shape
 * (runs of --batch events per tenant, over --tenants tenants) are published straight onto the log, and
 * the projector is started again: the time until it is ready (it has applied them, in its live batches,
 * not a rebuild's) gives the live projection's throughput.
 *
 * Rebuild: --events events are published straight onto the log (one large tenant with 90% of them,
 * 99 small ones, spread over the last 10 days), then `main.js rebuild timeline-events` replays the whole
 * log into an empty projection. Baseline: a bare consumer reading and decoding the same log, no
 * database. Afterwards the common queries of the large tenant are timed and their plans printed.
 *
 * Progress and markdown tables go to stderr; one JSON line with everything goes to stdout.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { NatsConnection } from '@nats-io/nats-core';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { eventIngested, EventIngestedCodec, streamNamesFor, subjectsFor } from '@daalu/contracts';
import { JetStreamPublisher, PipelinedPublisher } from '@daalu/platform/jetstream';
import { TimelineReader } from '@daalu/timeline/data-access';
import { decodeCursor } from '@daalu/platform/http';
import { parseTimelineFilter, type QueryValue } from '@daalu/timeline/domain';
import { BenchStack } from './support/bench-stack';
import { Child } from './support/child';
import { envelopeAt, seededRandom } from './support/event-mix';
import { createTenants, type CreatedTenant } from './support/tenants';
import { waitReady } from './support/stack';
import { HOST, log, percentile, positiveInt, ratio, round, sleep, withTimeout } from './support/util';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '1000,5000' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    tenants: { type: 'string', default: '20' },
    batch: { type: 'string', default: '50' },
    events: { type: 'string', default: '1000000' },
    'catch-up': { type: 'string', default: '0' },
    'skip-latency': { type: 'boolean', default: false },
    'skip-rebuild': { type: 'boolean', default: false },
  },
});
const rates = values.rates.split(',').map((rate) => positiveInt('rates', rate, 1));
const duration = positiveInt('duration', values.duration, 1);
const warmup = positiveInt('warmup', values.warmup, 0);
const tenantCount = positiveInt('tenants', values.tenants, 1);
const batchSize = positiveInt('batch', values.batch, 1);
const rebuildEvents = positiveInt('events', values.events, 1000);
const catchUpEvents = positiveInt('catch-up', values['catch-up'], 0);

const GATEWAY_MAIN = join(__dirname, '..', 'apps', 'ingest-gateway', 'src', 'main.js');
const TIMELINE_MAIN = join(__dirname, '..', 'apps', 'timeline-projector', 'src', 'main.js');
const PROBES_PER_SECOND = 10;
const POLL_MS = 5;
const DAY_MS = 86_400_000;

interface LatencyResult {
  rate: number;
  acceptedEventsPerSec: number;
  probes: number;
  missing: number;
  timeline: { p50Ms: number; p99Ms: number; maxMs: number };
  bare: { p50Ms: number; p99Ms: number; maxMs: number };
  p99Ratio: number | null;
  rejectedPosts: number;
}

interface CatchUpResult {
  events: number;
  seconds: number;
  perSec: number;
}

interface RebuildResult {
  events: number;
  publishSeconds: number;
  baselineSeconds: number;
  baselinePerSec: number;
  rebuildSeconds: number;
  rebuildPerSec: number;
  ratio: number | null;
  rows: number;
}

async function main(): Promise<number> {
  const results: Results = { latency: [] };
  const stack = await BenchStack.open('bench:timeline', 'benchtl');
  try {
    const { nc, namespace, operatorToken, databaseUrl } = stack;
    const streams = streamNamesFor(namespace);
    const subjects = subjectsFor(namespace);
    const gateway = await stack.start('gateway', GATEWAY_MAIN);
    let timeline = await stack.start('timeline', TIMELINE_MAIN);
    log(`gateway on ${gateway.url}, timeline projector on ${timeline.url}`);

    if (!values['skip-latency']) {
      const tenants = await createTenants(gateway.url, operatorToken, namespace, tenantCount + 1);
      const probe = tenants.pop()!;
      await raiseLimit(gateway.url, operatorToken, probe.id, PROBES_PER_SECOND * 5);
      for (const rate of rates) {
        const result = await measureLatency(nc, streams.events, subjects.event(probe.id), {
          databaseUrl,
          gatewayUrl: gateway.url,
          timelineUrl: timeline.url,
          tenants,
          probe,
          rate,
        });
        results.latency.push(result);
        log(
          `${rate} events/s: accepted ${result.acceptedEventsPerSec}/s; timeline p50 ${result.timeline.p50Ms} ms, ` +
            `p99 ${result.timeline.p99Ms} ms, max ${result.timeline.maxMs} ms; bare p50 ${result.bare.p50Ms} ms, ` +
            `p99 ${result.bare.p99Ms} ms (${result.probes} probes, ${result.missing} missing)`,
        );
        if (!timeline.child.alive) throw new Error(`the timeline projector died\n${timeline.child.output()}`);
      }
    }

    if (catchUpEvents > 0) {
      await timeline.child.stop(15_000);
      const caughtUp = await measureCatchUp(stack, timeline.port);
      results.catchUp = caughtUp.result;
      timeline = caughtUp.timeline;
      log(`catch-up: ${catchUpEvents} events applied in ${caughtUp.result.seconds} s (${caughtUp.result.perSec}/s)`);
    }

    if (!values['skip-rebuild']) {
      await timeline.child.stop(15_000);
      const rebuild = await measureRebuild(nc, namespace, databaseUrl, stack.env, timeline.port);
      results.rebuild = rebuild;
      log(
        `rebuild: ${rebuild.events} events in ${rebuild.rebuildSeconds} s (${rebuild.rebuildPerSec}/s); ` +
          `bare read ${rebuild.baselineSeconds} s (${rebuild.baselinePerSec}/s); ratio ${rebuild.ratio}`,
      );
      results.queries = await timeQueries(databaseUrl, rebuild.bigTenant);
      // The app again, to check it serves the rebuilt projection.
      timeline = await stack.start('timeline', TIMELINE_MAIN);
    }
  } catch (error) {
    log(`bench:timeline failed: ${(error as Error).stack ?? String(error)}`);
    await stack.cleanup();
    return 1;
  }
  await stack.cleanup();
  report(results);
  process.stdout.write(`${JSON.stringify({ rates, duration, warmup, tenantCount, batchSize, ...results })}\n`);
  return 0;
}

interface Results {
  latency: LatencyResult[];
  catchUp?: CatchUpResult;
  rebuild?: RebuildResult;
  queries?: QueryTiming[];
}

/**
 * With the projector stopped, publishes `catchUpEvents` events in runs of `batchSize` per tenant (as the
 * latency load's batch POSTs put them on the log), then starts it and times it until ready: ready
 * means it has applied what was on the stream when it started.
 */
async function measureCatchUp(
  stack: BenchStack,
  port: number,
): Promise<{ result: CatchUpResult; timeline: { child: Child; url: string; port: number } }> {
  const subjects = subjectsFor(stack.namespace);
  const tenants = Array.from({ length: tenantCount }, () => uuidv7());
  const random = seededRandom(7);
  log(`catch-up: publishing ${catchUpEvents} events onto the log, the projector stopped`);
  const pipeline = new PipelinedPublisher(stack.nc, 30_000);
  const publisher = new JetStreamPublisher(jetstream(stack.nc), 30_000, pipeline);
  const window = new Set<Promise<unknown>>();
  for (let n = 0; n < catchUpEvents; n++) {
    const tenantId = tenants[Math.floor(n / batchSize) % tenants.length];
    const event = eventIngested(uuidv7(), tenantId, envelopeAt(n, random), new Date().toISOString());
    const pub = publisher.publish(subjects.event(tenantId), EventIngestedCodec, event);
    window.add(pub);
    void pub.finally(() => window.delete(pub));
    if (window.size >= 2000) await Promise.race(window);
  }
  await Promise.all(window);
  pipeline.close();
  log('catch-up: starting the timeline projector');
  const started = performance.now();
  const child = new Child('timeline', TIMELINE_MAIN, { ...stack.env, PORT: String(port) });
  stack.onCleanup('stopping timeline (catch-up)', () => child.stop(15_000));
  const url = `http://${HOST}:${port}`;
  await waitReady(child, url, 30 * 60_000);
  const seconds = round((performance.now() - started) / 1000, 2);
  return {
    result: { events: catchUpEvents, seconds, perSec: round(catchUpEvents / seconds) },
    timeline: { child, url, port },
  };
}

async function raiseLimit(gatewayUrl: string, operatorToken: string, tenantId: string, perSecond: number) {
  const res = await fetch(`${gatewayUrl}/api/v1/tenants/${tenantId}/rate-limit`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ perSecond, burst: perSecond }),
  });
  if (res.status >= 300) throw new Error(`raising the probe tenant's limit: ${res.status} ${await res.text()}`);
}

interface LatencySetup {
  databaseUrl: string;
  gatewayUrl: string;
  timelineUrl: string;
  tenants: CreatedTenant[];
  probe: CreatedTenant;
  rate: number;
}

/** Load at `rate` events/s, probes through it, and when each probe became visible on the timeline and on the log. */
async function measureLatency(
  nc: NatsConnection,
  stream: string,
  probeSubject: string,
  setup: LatencySetup,
): Promise<LatencyResult & { rate: number }> {
  const { gatewayUrl, timelineUrl, tenants, probe, rate } = setup;
  const random = seededRandom(rate);
  const bodies = Array.from({ length: 20 }, (_, i) =>
    JSON.stringify(Array.from({ length: batchSize }, (_, j) => envelopeAt(i * batchSize + j, random))),
  );
  const acked = new Map<string, number>();
  const seenOnTimeline = new Map<string, number>();
  const seenByBare = new Map<string, number>();
  let measuring = false;
  let accepted = 0;
  let rejected = 0;
  let stopLoad = false;
  let stopPolling = false;

  // Baseline: a bare projection of the probe tenant's events, one autocommitted insert per message into
  // an unindexed table, polled every 5 ms with plain SQL: consume, commit, query, with nothing else.
  const bare = new Client({ connectionString: setup.databaseUrl });
  await bare.connect();
  const table = `bench_bare_${rate}`;
  await bare.query(`CREATE TABLE public.${table} (seq bigserial PRIMARY KEY, id uuid NOT NULL)`);
  const barePoll = new Client({ connectionString: setup.databaseUrl });
  await barePoll.connect();
  const js = jetstream(nc);
  const consumer = await js.consumers.get(stream, { filter_subjects: probeSubject, deliver_policy: DeliverPolicy.New });
  const messages = await consumer.consume();
  const bareProjection = (async () => {
    for await (const msg of messages) {
      await bare.query(`INSERT INTO public.${table} (id) VALUES ($1)`, [(msg.json() as { id: string }).id]);
    }
  })();
  const barePoller = (async () => {
    while (!stopPolling) {
      const started = performance.now();
      const { rows } = await barePoll.query<{ id: string }>(
        `SELECT id FROM public.${table} ORDER BY seq DESC LIMIT 50`,
      );
      const now = performance.now();
      for (const { id } of rows) if (!seenByBare.has(id)) seenByBare.set(id, now);
      await sleep(Math.max(0, POLL_MS - (performance.now() - started)));
    }
  })();

  // Timeline observer: GET the probe tenant's newest events every 5 ms.
  const poller = (async () => {
    while (!stopPolling) {
      const started = performance.now();
      try {
        const res = await fetch(`${timelineUrl}/api/v1/events?limit=50`, {
          headers: { authorization: `Bearer ${probe.apiToken}` },
        });
        const now = performance.now();
        const page = (await res.json()) as { items: Array<{ id: string }> };
        for (const item of page.items) if (!seenOnTimeline.has(item.id)) seenOnTimeline.set(item.id, now);
      } catch {
        // a failed poll only delays what it would have seen
      }
      await sleep(Math.max(0, POLL_MS - (performance.now() - started)));
    }
  })();

  // Load: one batch POST every (batch / rate) seconds, round-robin over the tenants, never awaited in line.
  const postsPerSecond = rate / batchSize;
  const inFlight = new Set<Promise<void>>();
  const load = (async () => {
    const started = performance.now();
    for (let n = 0; !stopLoad; n++) {
      const due = started + (n * 1000) / postsPerSecond;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const tenant = tenants[n % tenants.length];
      const post = fetch(`${gatewayUrl}/api/v1/events/batch`, {
        method: 'POST',
        headers: { 'x-daalu-key': tenant.ingestKey, 'content-type': 'application/json' },
        body: bodies[n % bodies.length],
      })
        .then(async (res) => {
          await res.arrayBuffer();
          if (measuring && res.status === 202) accepted += batchSize;
          else if (res.status !== 202) rejected++;
        })
        .catch(() => void rejected++)
        .finally(() => inFlight.delete(post));
      inFlight.add(post);
    }
  })();

  // Probes: single POSTs to the probe tenant, 10 per second.
  const probes = (async () => {
    for (let n = 0; !stopLoad; n++) {
      await sleep(1000 / PROBES_PER_SECOND);
      const body = JSON.stringify({
        type: 'bench.probe',
        source: 'bench',
        summary: `probe ${n}`,
        payload: { n },
      });
      const sentMeasuring = measuring;
      void fetch(`${gatewayUrl}/api/v1/events`, {
        method: 'POST',
        headers: { 'x-daalu-key': probe.ingestKey, 'content-type': 'application/json' },
        body,
      }).then(async (res) => {
        const now = performance.now();
        const answer = (await res.json()) as { id?: string };
        if (res.status === 202 && answer.id && sentMeasuring && measuring) acked.set(answer.id, now);
      });
    }
  })();

  log(`${rate} events/s: warm-up ${warmup} s`);
  await sleep(warmup * 1000);
  measuring = true;
  log(`${rate} events/s: measuring ${duration} s`);
  await sleep(duration * 1000);
  measuring = false;
  stopLoad = true;
  await Promise.all([load, probes]);
  await Promise.allSettled([...inFlight]);
  // Stragglers: give the last probes up to 5 s to appear.
  const deadline = performance.now() + 5000;
  while (performance.now() < deadline && [...acked.keys()].some((id) => !seenOnTimeline.has(id))) {
    await sleep(50);
  }
  stopPolling = true;
  await poller;
  await barePoller;
  await messages.close();
  await bareProjection;
  await bare.query(`DROP TABLE public.${table}`);
  await bare.end();
  await barePoll.end();

  const latencies = (seen: Map<string, number>) =>
    [...acked].flatMap(([id, at]) => (seen.has(id) ? [Math.max(0, seen.get(id)! - at)] : []));
  const timelineMs = latencies(seenOnTimeline);
  const bareMs = latencies(seenByBare);
  const stats = (values: number[]) => ({
    p50Ms: round(percentile(values, 50), 1),
    p99Ms: round(percentile(values, 99), 1),
    maxMs: round(Math.max(...values), 1),
  });
  const timelineStats = stats(timelineMs);
  const bareStats = stats(bareMs);
  return {
    rate,
    acceptedEventsPerSec: round(accepted / duration),
    probes: acked.size,
    missing: acked.size - timelineMs.length,
    timeline: timelineStats,
    bare: bareStats,
    p99Ratio: ratio(timelineStats.p99Ms, bareStats.p99Ms),
    rejectedPosts: rejected,
  };
}

/** Publishes `rebuildEvents` events onto the log, reads them back bare, then times the app's rebuild. */
async function measureRebuild(
  nc: NatsConnection,
  namespace: string,
  databaseUrl: string,
  env: Record<string, string>,
  port: number,
): Promise<RebuildResult & { bigTenant: string }> {
  const streams = streamNamesFor(namespace);
  const subjects = subjectsFor(namespace);
  const big = uuidv7();
  const small = Array.from({ length: 99 }, () => uuidv7());
  const random = seededRandom(42);
  const start = Date.now() - 10 * DAY_MS;
  const step = (10 * DAY_MS - 60_000) / rebuildEvents;

  log(`rebuild: publishing ${rebuildEvents} events onto the log`);
  const pipeline = new PipelinedPublisher(nc, 30_000);
  const publisher = new JetStreamPublisher(jetstream(nc), 30_000, pipeline);
  const publishStarted = performance.now();
  const window = new Set<Promise<unknown>>();
  for (let n = 0; n < rebuildEvents; n++) {
    const tenantId = random() < 0.9 ? big : small[Math.floor(random() * small.length)];
    const event = eventIngested(uuidv7(), tenantId, envelopeAt(n, random), new Date(start + n * step).toISOString());
    const pub = publisher.publish(subjects.event(tenantId), EventIngestedCodec, event);
    window.add(pub);
    void pub.finally(() => window.delete(pub));
    if (window.size >= 2000) await Promise.race(window);
    if (n > 0 && n % 100_000 === 0) log(`rebuild: published ${n}`);
  }
  await Promise.all(window);
  pipeline.close();
  const publishSeconds = round((performance.now() - publishStarted) / 1000, 1);
  const js = jetstream(nc);
  const info = await (await jetstreamManager(nc)).streams.info(streams.events);
  const total = info.state.messages;
  log(`rebuild: published in ${publishSeconds} s; the log holds ${total} events`);

  // Baseline: read and decode the whole log with a bare ordered consumer, no database.
  const baselineStarted = performance.now();
  const consumer = await js.consumers.get(streams.events, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume({ max_messages: 1000 });
  let read = 0;
  for await (const msg of messages) {
    EventIngestedCodec.decode(msg.data);
    if (++read >= total) break;
  }
  await messages.close();
  const baselineSeconds = round((performance.now() - baselineStarted) / 1000, 2);

  log(`rebuild: replaying ${total} events with main.js rebuild timeline-events`);
  const rebuildStarted = performance.now();
  const rebuild = new Child('rebuild', TIMELINE_MAIN, { ...env, PORT: String(port) }, ['rebuild', 'timeline-events']);
  rebuild.onLine((line) => {
    if (/rebuild timeline-events: \d+/.test(line)) log(`  ${line}`);
  });
  const code = await withTimeout(rebuild.exit, 30 * 60_000, 'rebuild');
  const rebuildSeconds = round((performance.now() - rebuildStarted) / 1000, 2);
  if (code !== 0) throw new Error(`rebuild exited with ${code}\n${rebuild.output()}`);

  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const [{ n }] = (await client.query(`SELECT count(*)::int AS n FROM timeline.timeline_entry`)).rows;
  await client.end();
  return {
    events: total,
    publishSeconds,
    baselineSeconds,
    baselinePerSec: round(total / baselineSeconds),
    rebuildSeconds,
    rebuildPerSec: round(total / rebuildSeconds),
    ratio: ratio(total / rebuildSeconds, total / baselineSeconds),
    rows: n,
    bigTenant: big,
  };
}

interface QueryTiming {
  name: string;
  query: string;
  medianMs: number;
  rows: number;
  plan: string;
}

/** The common queries of the large tenant, exactly as the API runs them: median time and plan. */
async function timeQueries(databaseUrl: string, tenantId: string): Promise<QueryTiming[]> {
  const client = new Client({ connectionString: databaseUrl, options: '-c search_path=timeline' });
  await client.connect();
  await client.query('ANALYZE timeline_entry');
  const captured: Array<{ sql: string; params: unknown[] }> = [];
  const reader = new TimelineReader({
    query: async (sql: string, params: unknown[]) => {
      captured.push({ sql, params });
      return (await client.query(sql, params)).rows;
    },
  } as never);
  const firstPage = await reader.page(tenantId, parseTimelineFilter({}).filter, 50);
  const cursor = decodeCursor(firstPage.nextCursor!)!;
  const cases: Array<[string, string]> = [
    ['newest 50', ''],
    ['type exact', 'type=deploy.failed'],
    ['type prefix', 'type=deploy.*'],
    ['source', 'source=source-7'],
    ['module', 'module=security'],
    ['severity', 'severity=critical'],
    ['severity, several', 'severity=warning,critical'],
    ['payload field', 'payload.service=svc-3'],
    ['two payload fields', 'payload.service=svc-3&payload.env=prod'],
    ['summary text', 'q=timeout'],
    ['rare text', 'q=%23777777'],
    ['rare payload value', 'payload.n=777777'],
    [
      'time range',
      `since=${new Date(Date.now() - 5 * DAY_MS).toISOString()}&until=${new Date(Date.now() - 4 * DAY_MS).toISOString()}`,
    ],
    ['type + payload', 'type=deploy.*&payload.env=prod'],
    ['second page (cursor)', 'cursor'],
  ];
  const timings: QueryTiming[] = [];
  for (const [name, query] of cases) {
    const params: Record<string, QueryValue> = {};
    if (query !== 'cursor') for (const [k, v] of new URLSearchParams(query)) params[k] = v;
    const { filter } = parseTimelineFilter(params);
    const run = () => reader.page(tenantId, filter, 50, query === 'cursor' ? cursor : undefined);
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < 11; i++) {
      const started = performance.now();
      rows = (await run()).items.length;
      times.push(performance.now() - started);
    }
    const { sql, params: bound } = captured[captured.length - 1];
    const plan = (await client.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY OFF) ${sql}`, bound)).rows
      .map((row: Record<string, string>) => row['QUERY PLAN'])
      .join('\n');
    timings.push({
      name,
      query: query === 'cursor' ? 'cursor=<second page>' : query || '(none)',
      medianMs: round(percentile(times, 50), 2),
      rows,
      plan,
    });
  }
  await client.end();
  return timings;
}

function report(results: Results): void {
  if (results.latency.length > 0) {
    log(
      '\n| target rate (events/s) | accepted/s | probes | timeline p50 ms | timeline p99 ms | timeline max ms | bare p50 ms | bare p99 ms | p99 ratio |',
    );
    log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of results.latency) {
      log(
        `| ${r.rate} | ${r.acceptedEventsPerSec} | ${r.probes} | ${r.timeline.p50Ms} | ${r.timeline.p99Ms} | ${r.timeline.maxMs} | ${r.bare.p50Ms} | ${r.bare.p99Ms} | ${r.p99Ratio} |`,
      );
    }
  }
  if (results.catchUp) {
    const c = results.catchUp;
    log('\n| events waiting | caught up in s | events/s |');
    log('|---:|---:|---:|');
    log(`| ${c.events} | ${c.seconds} | ${c.perSec} |`);
  }
  if (results.rebuild) {
    const r = results.rebuild;
    log('\n| events | rebuild s | rebuild events/s | bare read s | bare read events/s | ratio | rows |');
    log('|---:|---:|---:|---:|---:|---:|---:|');
    log(
      `| ${r.events} | ${r.rebuildSeconds} | ${r.rebuildPerSec} | ${r.baselineSeconds} | ${r.baselinePerSec} | ${r.ratio} | ${r.rows} |`,
    );
  }
  if (results.queries) {
    log('\n| query (large tenant) | parameters | median ms | rows |');
    log('|---|---|---:|---:|');
    for (const q of results.queries) log(`| ${q.name} | \`${q.query}\` | ${q.medianMs} | ${q.rows} |`);
    for (const q of results.queries) log(`\n${q.name} (\`${q.query}\`):\n\n\`\`\`\n${q.plan}\n\`\`\``);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`bench:timeline failed: ${String(error)}`);
    process.exit(1);
  },
);
