/**
 * `npm run bench:ingest`: HTTP ingest throughput and latency of the ingest gateway against a bare
 * `node:http` baseline that only parses and publishes (bench/baseline-ingest-server.ts), in one run,
 * against the same JetStream, alternating the targets so machine noise hits both alike.
 *
 *   npm run bench:ingest -- --connections 100 --duration 15 --warmup 3 --batch-size 50 --tenants 2000
 *   npm run bench:ingest -- --only baseline        # no database, no gateway
 *   npm run bench:ingest -- --modes single         # one envelope per POST only
 *
 * Each target and mode (single: one envelope per POST; batch: --batch-size envelopes per POST) gets an
 * unmeasured warm-up run, then a measured autocannon run. The gateway allows 10 POST/s per ingest key,
 * so the benchmark creates --tenants tenants and rotates their keys round-robin over every request
 * (the baseline gets the same headers, so the client does the same work for both).
 * Progress and a markdown table go to stderr; one JSON line with everything goes to stdout.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import autocannon from 'autocannon';
import { DEPLOY_STARTED } from './sample-envelope';
import { Child } from './support/child';
import { adminQuery, benchDatabaseUrl } from './support/database';
import { namespaceStreams, waitReady } from './support/stack';
import { createTenants } from './support/tenants';
import {
  fetchWithTimeout,
  freePort,
  HOST,
  log,
  natsUrl,
  positiveInt,
  ratio,
  round,
  sleep,
  withTimeout,
} from './support/util';

const { values } = parseArgs({
  options: {
    tenants: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '100' },
    duration: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    'batch-size': { type: 'string', default: '50' },
    only: { type: 'string', default: 'both' },
    modes: { type: 'string', default: 'single,batch' },
  },
});

const tenantCount = positiveInt('tenants', values.tenants, 1);
const connections = positiveInt('connections', values.connections, 1);
const duration = positiveInt('duration', values.duration, 1);
const warmup = positiveInt('warmup', values.warmup, 0);
const batchSize = positiveInt('batch-size', values['batch-size'], 1);
if (!['both', 'baseline', 'gateway'].includes(values.only)) {
  process.stderr.write(`--only must be both, baseline or gateway (got "${values.only}")\n`);
  process.exit(2);
}
const only = values.only as 'both' | 'baseline' | 'gateway';
const MODES = values.modes.split(',').filter(Boolean) as Mode[];
if (MODES.length === 0 || MODES.some((mode) => mode !== 'single' && mode !== 'batch')) {
  process.stderr.write(`--modes must list single and/or batch (got "${values.modes}")\n`);
  process.exit(2);
}

const GATEWAY_MAIN = join(__dirname, '..', 'apps', 'ingest-gateway', 'src', 'main.js');
const BASELINE_MAIN = join(__dirname, 'baseline-ingest-server.js');
/** Seconds autocannon waits for one response before counting a timeout. */
const REQUEST_TIMEOUT_S = 10;

type TargetName = 'baseline' | 'gateway';
type Mode = 'single' | 'batch';

const ENVELOPE = DEPLOY_STARTED;
const BODIES: Record<Mode, string> = {
  single: JSON.stringify(ENVELOPE),
  batch: JSON.stringify(Array.from({ length: batchSize }, () => ENVELOPE)),
};
const PATHS: Record<Mode, string> = { single: '/api/v1/events', batch: '/api/v1/events/batch' };
const EVENTS_PER_REQUEST: Record<Mode, number> = { single: 1, batch: batchSize };

interface RunResult {
  reqPerSec: number;
  eventsPerSec: number;
  /** Requests answered 2xx per second over the whole run, and the events they carried. */
  okReqPerSec: number;
  okEventsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  seconds: number;
}

/**
 * Checks, before measuring, that the gateway accepts the benchmark's requests (single and batch) with a
 * freshly created key, waiting while a new key is still unknown to it (401/403/404 for a short while).
 */
async function probeGateway(baseUrl: string, keys: string[]): Promise<void> {
  const samples = [keys[keys.length - 1], keys[0]];
  for (const mode of ['single', 'batch'] as Mode[]) {
    const key = samples[mode === 'single' ? 0 : 1];
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await fetchWithTimeout(`${baseUrl}${PATHS[mode]}`, {
        method: 'POST',
        headers: { 'x-daalu-key': key, 'content-type': 'application/json' },
        body: BODIES[mode],
      });
      const text = await res.text();
      if (res.status >= 200 && res.status < 300) break;
      const problem = `POST ${PATHS[mode]} answered ${res.status} ${text.slice(0, 500)}`;
      if (![401, 403, 404, 429, 503].includes(res.status) || Date.now() > deadline) {
        throw new Error(`the gateway refuses the benchmark's ${mode} request: ${problem}`);
      }
      await sleep(500);
    }
  }
}

let keyIndex = 0;
let currentRun: autocannon.Instance | undefined;

function measure(port: number, mode: Mode, seconds: number, keys: string[]): Promise<RunResult> {
  const perRequest = EVENTS_PER_REQUEST[mode];
  return new Promise((resolve, reject) => {
    currentRun = autocannon(
      {
        url: `http://${HOST}:${port}${PATHS[mode]}`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: BODIES[mode],
        connections,
        duration: seconds,
        timeout: REQUEST_TIMEOUT_S,
        requests: [
          {
            // A different ingest key on every request, round-robin over all tenants.
            setupRequest: (request) => {
              request.headers!['x-daalu-key'] = keys[keyIndex++ % keys.length];
              return request;
            },
          },
        ],
      },
      (error, result) => {
        currentRun = undefined;
        if (error) {
          reject(error);
          return;
        }
        const statusCodes = Object.fromEntries(
          Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
        );
        const ok = Object.entries(statusCodes)
          .filter(([code]) => code.startsWith('2'))
          .reduce((sum, [, count]) => sum + count, 0);
        resolve({
          reqPerSec: round(result.requests.average),
          eventsPerSec: round(result.requests.average * perRequest),
          okReqPerSec: round(ok / result.duration),
          okEventsPerSec: round((ok / result.duration) * perRequest),
          p50Ms: round(result.latency.p50, 2),
          p99Ms: round(result.latency.p99, 2),
          maxMs: round(result.latency.max, 2),
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
          seconds: result.duration,
        });
      },
    );
  });
}

function describe(result: RunResult): string {
  const codes = result.non2xx ? ` status ${JSON.stringify(result.statusCodes)}` : '';
  return (
    `${result.reqPerSec} req/s, ${result.eventsPerSec} events/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
    `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}${codes}`
  );
}

async function main(): Promise<number> {
  const hex = randomBytes(3).toString('hex');
  const namespace = `bench${hex}`;
  const dbName = `daalu_bench_${hex}`;
  const urls = benchDatabaseUrl(dbName);
  const targets: TargetName[] = only === 'both' ? ['baseline', 'gateway'] : [only];
  const cleanups: Array<{ what: string; run: () => Promise<unknown>; ms: number }> = [];
  let cleaning: Promise<void> | undefined;
  /** Once cleaning up has begun (error, signal, watchdog), nothing new may be created or started. */
  const stillRunning = () => {
    if (cleaning) throw new Error('interrupted');
  };
  const cleanup = () =>
    (cleaning ??= (async () => {
      currentRun?.stop();
      for (const step of cleanups.reverse()) {
        try {
          await withTimeout(step.run(), step.ms, step.what);
        } catch (error) {
          log(`cleanup: ${step.what} failed: ${(error as Error).message}`);
        }
      }
    })());

  // Whatever happens, the process ends: a watchdog sized from the options, and clean-up on Ctrl-C.
  const runSeconds = MODES.length * targets.length * (warmup + duration + REQUEST_TIMEOUT_S + 5);
  const budgetMs = (120 + runSeconds + (only === 'baseline' ? 0 : 300 + tenantCount / 2)) * 1000;
  const watchdog = setTimeout(() => {
    log(`bench:ingest: still running after ${Math.round(budgetMs / 1000)} s; cleaning up and giving up`);
    void withTimeout(cleanup(), 60_000, 'cleanup').finally(() => process.exit(1));
  }, budgetMs);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`bench:ingest: ${signal}; cleaning up`);
      void withTimeout(cleanup(), 60_000, 'cleanup').finally(() => process.exit(130));
    });
  }

  const results: Partial<Record<TargetName, Partial<Record<Mode, RunResult>>>> = {};
  const warnings: string[] = [];
  try {
    log(`bench:ingest: namespace ${namespace}, targets ${targets.join(', ')}`);
    const nc = await withTimeout(connect({ servers: natsUrl.split(','), noAsyncTraces: true }), 10_000, 'NATS connect');
    const jsm = await jetstreamManager(nc);
    cleanups.push({ what: 'closing the NATS connection', run: () => nc.close(), ms: 10_000 });
    cleanups.push({
      what: `deleting the ${namespace} streams`,
      run: async () => {
        for (const stream of await namespaceStreams(jsm, namespace)) {
          await jsm.streams
            .delete(stream)
            .catch((error: unknown) => log(`could not delete stream ${stream}: ${error}`));
        }
      },
      ms: 30_000,
    });

    const ports: Partial<Record<TargetName, number>> = {};
    const children: Child[] = [];
    cleanups.push({
      what: 'stopping the servers',
      run: () => Promise.all(children.map((child) => child.stop(15_000))),
      ms: 30_000,
    });

    if (targets.includes('baseline')) {
      stillRunning();
      const baseline = new Child('baseline', BASELINE_MAIN, {
        PORT: String(await freePort()),
        HOST,
        NATS_URL: natsUrl,
        DAALU_NAMESPACE: namespace,
      });
      children.push(baseline);
      const [, port] = await baseline.waitForLine(/^listening (\d+)$/, 30_000);
      ports.baseline = Number(port);
      log(`baseline listening on ${HOST}:${ports.baseline}`);
    }

    let keys: string[];
    if (targets.includes('gateway')) {
      stillRunning();
      await adminQuery(urls.admin, `CREATE DATABASE "${dbName}"`);
      cleanups.push({
        what: `dropping database ${dbName}`,
        run: () => adminQuery(urls.admin, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`),
        ms: 30_000,
      });
      log(`created database ${dbName}`);
      const port = await freePort();
      stillRunning();
      const operatorToken = randomBytes(24).toString('hex');
      const gateway = new Child('gateway', GATEWAY_MAIN, {
        DATABASE_URL: urls.bench,
        NATS_URL: natsUrl,
        DAALU_NAMESPACE: namespace,
        PORT: String(port),
        HOST,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        DAALU_OPERATOR_TOKEN: operatorToken,
        DAALU_SECRET_KEY: randomBytes(32).toString('hex'),
      });
      children.push(gateway);
      const baseUrl = `http://${HOST}:${port}`;
      await waitReady(gateway, baseUrl, 60_000);
      ports.gateway = port;
      log(`gateway ready on ${HOST}:${port}; creating ${tenantCount} tenants`);
      keys = await withTimeout(
        createTenants(baseUrl, operatorToken, namespace, tenantCount).then((tenants) =>
          tenants.map((tenant) => tenant.ingestKey),
        ),
        (240 + tenantCount / 2) * 1000,
        'creating tenants',
      );
      await probeGateway(baseUrl, keys);
    } else {
      // The baseline ignores the key; send the same shape of requests anyway.
      keys = Array.from({ length: tenantCount }, () => `dk_${randomBytes(24).toString('base64url')}`);
    }

    for (const mode of MODES) {
      for (const target of targets) {
        stillRunning();
        const child = children.find((c) => c.name === target)!;
        if (!child.alive) throw new Error(`${target} is no longer running\n${child.output()}`);
        const label = `${target} ${mode}${mode === 'batch' ? ` x${batchSize}` : ''}`;
        if (warmup > 0) {
          log(`${label}: warm-up ${warmup} s`);
          await measure(ports[target]!, mode, warmup, keys);
        }
        log(`${label}: measuring ${duration} s, ${connections} connections`);
        const result = await measure(ports[target]!, mode, duration, keys);
        (results[target] ??= {})[mode] = result;
        log(`${label}: ${describe(result)}`);
        if (!child.alive) throw new Error(`${target} died during the ${mode} run\n${child.output()}`);
        if (result.non2xx > 0) {
          const limited = result.statusCodes['429'] ?? 0;
          warnings.push(
            `${label}: ${result.non2xx} non-2xx responses ${JSON.stringify(result.statusCodes)}` +
              (limited ? ` (${limited} were 429: rate limited; use more --tenants)` : ''),
          );
        }
        const other2xx = Object.keys(result.statusCodes).filter((code) => code.startsWith('2') && code !== '202');
        if (other2xx.length > 0) {
          warnings.push(
            `${label}: 2xx answers other than 202 ${JSON.stringify(result.statusCodes)} (partial batches?)`,
          );
        }
        if (result.errors > 0) warnings.push(`${label}: ${result.errors} errors (${result.timeouts} timeouts)`);
      }
    }
  } catch (error) {
    log(`bench:ingest failed: ${(error as Error).stack ?? String(error)}`);
    await cleanup();
    clearTimeout(watchdog);
    return 1;
  }
  await cleanup();
  clearTimeout(watchdog);

  const ratios = Object.fromEntries(
    (['single', 'batch'] as Mode[]).map((mode) => [
      mode,
      {
        reqPerSec: ratio(results.gateway?.[mode]?.reqPerSec, results.baseline?.[mode]?.reqPerSec),
        p99: ratio(results.gateway?.[mode]?.p99Ms, results.baseline?.[mode]?.p99Ms),
      },
    ]),
  );

  const rows = [
    '| target | mode | req/s | events/s | p50 ms | p99 ms | non-2xx | errors | timeouts |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const mode of ['single', 'batch'] as Mode[]) {
    for (const target of targets) {
      const r = results[target]?.[mode];
      if (!r) continue;
      const modeLabel = mode === 'batch' ? `batch x${batchSize}` : 'single';
      rows.push(
        `| ${target} | ${modeLabel} | ${r.reqPerSec} | ${r.eventsPerSec} | ${r.p50Ms} | ${r.p99Ms} | ${r.non2xx} | ${r.errors} | ${r.timeouts} |`,
      );
    }
  }
  if (targets.length === 2) {
    rows.push('', '| mode | gateway/baseline req/s | gateway/baseline p99 |', '|---|---:|---:|');
    for (const mode of ['single', 'batch'] as Mode[]) {
      rows.push(`| ${mode} | ${ratios[mode].reqPerSec ?? '-'} | ${ratios[mode].p99 ?? '-'} |`);
    }
  }
  log('');
  log(rows.join('\n'));
  for (const warning of warnings) log(`warning: ${warning}`);

  process.stdout.write(
    `${JSON.stringify({
      connections,
      duration,
      warmup,
      batchSize,
      tenants: targets.includes('gateway') ? tenantCount : 0,
      targets,
      results,
      ratios: targets.length === 2 ? ratios : null,
      warnings,
    })}\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`bench:ingest failed: ${String(error)}`);
    process.exit(1);
  },
);
