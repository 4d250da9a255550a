/**
 * `npm run bench:publish`: JetStream publish throughput (awaited acks, N in flight) with nats.js's
 * async stack traces on (the library default) and off (`noAsyncTraces`, what the apps use), in one
 * run against the same server, alternating rounds so machine noise hits both alike.
 *
 *   npm run bench:publish -- --messages 20000 --concurrency 64 --rounds 3
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { allStreamNames, EventIngestedCodec, streamDefinitions, streamNamesFor, subjectsFor } from '@daalu/contracts';
import { provisionStreams } from '@daalu/platform/jetstream';
import { DEPLOY_STARTED } from './sample-envelope';
import { createLogger } from '@daalu/platform/observability';
import { v7 as uuidv7 } from 'uuid';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '3' },
  },
});
const messages = Number(values.messages);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const natsUrl = process.env.NATS_URL || 'nats://127.0.0.1:4222';

async function run(noAsyncTraces: boolean, namespace: string): Promise<number> {
  const nc = await connect({ servers: natsUrl, noAsyncTraces });
  const js = jetstream(nc);
  const tenant = uuidv7();
  const subject = subjectsFor(namespace).event(tenant);
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < messages) {
        next++;
        const id = uuidv7();
        const body = EventIngestedCodec.encode({
          schemaVersion: 1,
          kind: 'event.ingested',
          id,
          tenantId: tenant,
          correlationId: id,
          causationId: null,
          ...DEPLOY_STARTED,
          payload: { ...DEPLOY_STARTED.payload },
          receivedAt: new Date().toISOString(),
        });
        await js.publish(subject, body, { msgID: id });
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await nc.close();
  return messages / seconds;
}

async function main(): Promise<void> {
  const namespace = `bench${randomBytes(3).toString('hex')}`;
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  await provisionStreams(jsm, streamDefinitions(namespace), createLogger('bench', 'warn'));
  const results = { traces: [] as number[], noTraces: [] as number[] };
  try {
    await run(true, namespace); // warm-up
    for (let round = 1; round <= rounds; round++) {
      results.traces.push(await run(false, namespace));
      results.noTraces.push(await run(true, namespace));
      process.stderr.write(
        `round ${round}: traces on ${Math.round(results.traces.at(-1)!)} msg/s, off ${Math.round(results.noTraces.at(-1)!)} msg/s\n`,
      );
    }
  } finally {
    for (const stream of allStreamNames(streamNamesFor(namespace))) {
      await jsm.streams.delete(stream).catch(() => undefined);
    }
    await nc.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const on = median(results.traces);
  const off = median(results.noTraces);
  process.stdout.write(
    `${JSON.stringify({ messages, concurrency, rounds, asyncTracesOnMsgPerSec: Math.round(on), noAsyncTracesMsgPerSec: Math.round(off), ratio: Number((off / on).toFixed(2)) })}\n`,
  );
}

void main();
