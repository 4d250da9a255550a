/**
 * `npm run bench:dispatch`: deliveries per second from the outbound dispatcher to a local receiver
 * spread over 100 URLs (history recorded), and the time from a trigger's 202 to the receipt, each with
 * a baseline measured in the same run.
 *
 *   npm run bench:dispatch -- --deliveries 20000 --rate 500 --duration 15 --warmup 3
 *
 * Throughput: 100 webhooks (one per URL path of the receiver), --deliveries events published onto the
 * log, each matching one webhook; deliveries/s is the count over the time from the first receipt to
 * the last. Baseline: a bare HTTP client loop (undici, the same concurrency) POSTing the same signed
 * bodies to the same URLs.
 * Batch mode: --batch-events events onto the log for one webhook in batch mode (500 events or 1 s per
 * POST), as mirroring every event to a warehouse would; events/s received against the single
 * deliveries/s above (ratio), and POSTs/s (under the 50/s per-URL cap).
 * Latency: events POSTed to the gateway in batches at --rate events/s; for each, from its batch's 202
 * to its delivery's receipt.
 * Scale-out: --replicas dispatcher processes in all (the first one plus more, as Kubernetes or
 * `docker compose --scale` adds them), the throughput run again: deliveries/s against the one
 * replica's (ratio). On one machine they share its cores with PostgreSQL, NATS and the receiver.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { jetstream } from '@nats-io/jetstream';
import { Agent, request } from 'undici';
import { v7 as uuidv7 } from 'uuid';
import { eventIngested, EventIngestedCodec, subjectsFor } from '@daalu/contracts';
import { JetStreamPublisher, PipelinedPublisher } from '@daalu/platform/jetstream';
import { generateSigningSecret, signatureHeaders } from '@daalu/outbound/domain';
import { BenchStack } from './support/bench-stack';
import { startReceiver } from './support/receiver';
import { createLoadTenant } from './support/tenants';
import { log, percentile, positiveInt, ratio, round, sleep } from './support/util';

const { values } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '20000' },
    rate: { type: 'string', default: '500' },
    duration: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    'batch-events': { type: 'string', default: '50000' },
    replicas: { type: 'string', default: '3' },
  },
});
const deliveries = positiveInt('deliveries', values.deliveries, 100);
const rate = positiveInt('rate', values.rate, 1);
const duration = positiveInt('duration', values.duration, 1);
const warmup = positiveInt('warmup', values.warmup, 0);
const batchEvents = positiveInt('batch-events', values['batch-events'], 500);
const replicas = positiveInt('replicas', values.replicas, 1);

const GATEWAY_MAIN = join(__dirname, '..', 'apps', 'ingest-gateway', 'src', 'main.js');
const DISPATCHER_MAIN = join(__dirname, '..', 'apps', 'outbound-dispatcher', 'src', 'main.js');
const URLS = 100;
/** The dispatcher's deliveries in flight per replica, and so the baseline's. */
const CONCURRENCY = 128;

async function main(): Promise<number> {
  const stack = await BenchStack.open('bench:dispatch', 'benchdp');
  const receiver = await startReceiver();
  try {
    const subjects = subjectsFor(stack.namespace);
    const gateway = await stack.start('gateway', GATEWAY_MAIN);
    const dispatcherEnv = { DAALU_OUTBOUND_ALLOW: '127.0.0.0/8', DAALU_OUTBOUND_RATE_PER_URL: '1000' };
    const dispatcher = await stack.start('dispatcher', DISPATCHER_MAIN, dispatcherEnv);
    const tenant = await createLoadTenant(gateway.url, stack.operatorToken, 1000);
    log(`creating ${URLS} webhooks`);
    for (let i = 0; i < URLS; i++) {
      const res = await fetch(`${dispatcher.url}/api/v1/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tenant.apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url(i), trigger: { events: { type: `bench.e${i}` } } }),
      });
      if (res.status !== 201) throw new Error(`webhook ${i}: ${res.status} ${await res.text()}`);
    }

    const pipeline = new PipelinedPublisher(stack.nc, 30_000);
    const publisher = new JetStreamPublisher(jetstream(stack.nc), 30_000, pipeline);
    /** `count` events straight onto the log, of the type `typeOf(n)`, 2,000 publishes in flight. */
    const publishEvents = async (count: number, typeOf: (n: number) => string, via = publisher) => {
      const window = new Set<Promise<unknown>>();
      for (let n = 0; n < count; n++) {
        const event = eventIngested(
          uuidv7(),
          tenant.id,
          {
            type: typeOf(n),
            module: 'bench',
            source: 'bench',
            summary: `event ${n}`,
            severity: 'info',
            payload: { n },
          },
          new Date().toISOString(),
        );
        const pub = via.publish(subjects.event(tenant.id), EventIngestedCodec, event);
        window.add(pub);
        void pub.finally(() => window.delete(pub));
        if (window.size >= 2000) await Promise.race(window);
      }
      await Promise.all(window);
    };
    /** Waits until the receiver has `events` events; the receipts' first-to-last span. */
    const received = async (events: number) => {
      const deadline = Date.now() + 300_000;
      while (receiver.stats().events < events && Date.now() < deadline) await sleep(100);
      const stats = receiver.stats();
      if (stats.events < events) throw new Error(`only ${stats.events} of ${events} delivered in time`);
      return { ...stats, seconds: (stats.last - stats.first) / 1000 };
    };

    // Throughput: events straight onto the log, each matching one webhook.
    log(`throughput: ${deliveries} events onto the log`);
    receiver.reset();
    await publishEvents(deliveries, (n) => `bench.e${n % URLS}`);
    const throughput = await received(deliveries);
    const dispatcherPerSec = round(deliveries / throughput.seconds);
    log(`throughput: ${dispatcherPerSec} deliveries/s`);

    // Batch mode: one webhook mirroring every bench.mirror event, 500 per POST or each second.
    const mirror = await fetch(`${dispatcher.url}/api/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        url: receiver.url(URLS),
        trigger: { events: { type: 'bench.mirror' } },
        batch: { maxEvents: 500, maxSeconds: 1 },
      }),
    });
    if (mirror.status !== 201) throw new Error(`batch webhook: ${mirror.status} ${await mirror.text()}`);
    log(`batch mode: ${batchEvents} events onto the log`);
    receiver.reset();
    await publishEvents(batchEvents, () => 'bench.mirror');
    const batched = await received(batchEvents);
    const batchEventsPerSec = round(batchEvents / batched.seconds);
    const batchPostsPerSec = round(batched.count / batched.seconds, 1);
    log(`batch mode: ${batchEventsPerSec} events/s in ${batched.count} POSTs (${batchPostsPerSec} POSTs/s)`);
    pipeline.close();

    // Baseline: a bare client loop, the same signed bodies, the same URLs and concurrency.
    receiver.reset();
    const agent = new Agent({ keepAliveTimeout: 60_000 });
    const secret = generateSigningSecret();
    let next = 0;
    const baselineStarted = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < deliveries) {
          const n = next++;
          const id = uuidv7();
          const body = JSON.stringify({ id, type: 'event.ingested', tenantId: tenant.id, data: { id, n } });
          const headers = signatureHeaders([secret], id, Math.floor(Date.now() / 1000), body);
          const res = await request(receiver.url(n % URLS), {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body,
            dispatcher: agent,
          });
          await res.body.dump();
        }
      }),
    );
    const baselinePerSec = round(deliveries / ((performance.now() - baselineStarted) / 1000));
    await agent.close();
    log(`baseline: ${baselinePerSec} POSTs/s`);

    // Latency at --rate events/s through the gateway.
    receiver.reset();
    const acked = new Map<string, number>();
    let measuring = false;
    let stop = false;
    const perPost = Math.max(1, Math.round(rate / 100));
    const load = (async () => {
      const started = performance.now();
      for (let n = 0; !stop; n++) {
        const wait = started + (n * 1000 * perPost) / rate - performance.now();
        if (wait > 0) await sleep(wait);
        const batch = Array.from({ length: perPost }, (_, j) => ({
          type: `bench.e${(n * perPost + j) % URLS}`,
          source: 'bench',
          summary: `latency ${n}.${j}`,
          payload: { n, j },
        }));
        const sentMeasuring = measuring;
        void fetch(`${gateway.url}/api/v1/events/batch`, {
          method: 'POST',
          headers: { 'x-daalu-key': tenant.ingestKey, 'content-type': 'application/json' },
          body: JSON.stringify(batch),
        }).then(async (res) => {
          const now = performance.now();
          const answer = (await res.json()) as { items?: Array<{ id?: string }> };
          if (sentMeasuring && measuring) for (const item of answer.items ?? []) if (item.id) acked.set(item.id, now);
        });
      }
    })();
    log(`latency: ${rate} events/s, warm-up ${warmup} s`);
    await sleep(warmup * 1000);
    measuring = true;
    await sleep(duration * 1000);
    measuring = false;
    stop = true;
    await load;
    const until = Date.now() + 10_000;
    while (Date.now() < until && [...acked.keys()].some((id) => !receiver.receipts.has(id))) await sleep(50);
    const latencies = [...acked].flatMap(([id, at]) =>
      receiver.receipts.has(id) ? [receiver.receipts.get(id)! - at] : [],
    );

    // Scale-out: more dispatcher replicas on the same consumer, the throughput run again.
    let scaledPerSec = dispatcherPerSec;
    if (replicas > 1) {
      log(`scale-out: starting ${replicas - 1} more dispatcher replicas`);
      for (let r = 2; r <= replicas; r++) await stack.start(`dispatcher-${r}`, DISPATCHER_MAIN, dispatcherEnv);
      const scalePipeline = new PipelinedPublisher(stack.nc, 30_000);
      const scalePublisher = new JetStreamPublisher(jetstream(stack.nc), 30_000, scalePipeline);
      receiver.reset();
      await publishEvents(deliveries, (n) => `bench.e${n % URLS}`, scalePublisher);
      const scaled = await received(deliveries);
      scalePipeline.close();
      scaledPerSec = round(deliveries / scaled.seconds);
      log(`scale-out: ${scaledPerSec} deliveries/s with ${replicas} replicas`);
    }
    const result = {
      deliveries,
      dispatcherPerSec,
      baselinePerSec,
      ratio: ratio(dispatcherPerSec, baselinePerSec),
      batch: {
        events: batchEvents,
        posts: batched.count,
        eventsPerSec: batchEventsPerSec,
        postsPerSec: batchPostsPerSec,
        ratioToSingle: ratio(batchEventsPerSec, dispatcherPerSec),
      },
      latency: {
        rate,
        events: acked.size,
        missing: acked.size - latencies.length,
        p50Ms: round(percentile(latencies, 50), 1),
        p99Ms: round(percentile(latencies, 99), 1),
        maxMs: round(Math.max(...latencies), 1),
      },
      scaleOut: { replicas, deliveriesPerSec: scaledPerSec, ratioToOne: ratio(scaledPerSec, dispatcherPerSec) },
    };
    log('\n| deliveries | **dispatcher deliveries/s** | bare client POSTs/s | ratio |');
    log('|---:|---:|---:|---:|');
    log(`| ${deliveries} | **${dispatcherPerSec}** | ${baselinePerSec} | ${result.ratio} |`);
    const b = result.batch;
    log('\n| batch mode: events | POSTs | **events/s** | POSTs/s | ratio to single deliveries/s |');
    log('|---:|---:|---:|---:|---:|');
    log(`| ${b.events} | ${b.posts} | **${b.eventsPerSec}** | ${b.postsPerSec} | ${b.ratioToSingle} |`);
    log('\n| events/s | events | p50 ms | **p99 ms** | max ms | missing |');
    log('|---:|---:|---:|---:|---:|---:|');
    const l = result.latency;
    log(`| ${l.rate} | ${l.events} | ${l.p50Ms} | **${l.p99Ms}** | ${l.maxMs} | ${l.missing} |`);
    const so = result.scaleOut;
    log('\n| dispatcher replicas | **deliveries/s** | one replica deliveries/s | ratio |');
    log('|---:|---:|---:|---:|');
    log(`| ${so.replicas} | **${so.deliveriesPerSec}** | ${dispatcherPerSec} | ${so.ratioToOne} |`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (error) {
    log(`bench:dispatch failed: ${(error as Error).stack ?? String(error)}`);
    return 1;
  } finally {
    await receiver.close();
    await stack.cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`bench:dispatch failed: ${String(error)}`);
    process.exit(1);
  },
);
