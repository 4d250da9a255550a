import type { JetStreamManager } from '@nats-io/jetstream';
import { allStreamNames, streamNamesFor } from '@daalu/contracts';
import type { Child } from './child';
import { fetchWithTimeout, sleep } from './util';

export async function waitReady(app: Child, baseUrl: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!app.alive) throw new Error(`${app.name} exited before it was ready\n${app.output()}`);
    try {
      const res = await fetchWithTimeout(`${baseUrl}/health/ready`, {}, 2000);
      if (res.status === 200) return;
      last = `${res.status} ${(await res.text()).slice(0, 500)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`${app.name} not ready within ${ms / 1000} s (last: ${last})\n${app.output()}`);
}

/**
 * The namespace's streams: those named by streamNamesFor (a key-value bucket's stream is KV_<bucket>)
 * and any other stream carrying the namespace's unique prefix, so nothing the gateway made is left.
 */
export async function namespaceStreams(jsm: JetStreamManager, namespace: string): Promise<string[]> {
  const prefix = `${namespace.toUpperCase().replace(/-/g, '_')}_`;
  const wanted = new Set(allStreamNames(streamNamesFor(namespace)));
  const existing: string[] = [];
  for await (const name of jsm.streams.names()) existing.push(name);
  return existing.filter((name) => wanted.has(name) || name.startsWith(prefix) || name.startsWith(`KV_${prefix}`));
}
