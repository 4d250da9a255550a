import type { Severity } from '@daalu/contracts';

/** A realistic mix of envelopes: many types, sources and services, mostly info, some deploys and failures. */
export interface Envelope {
  type: string;
  module: string;
  source: string;
  summary: string;
  severity: Severity;
  payload: Record<string, unknown>;
}

const TYPES = [
  'deploy.started',
  'deploy.succeeded',
  'deploy.failed',
  'check.failed',
  'check.passed',
  'backup.completed',
  'backup.failed',
  'heartbeat',
  'job.started',
  'job.finished',
  'cert.renewed',
  'scale.up',
  'scale.down',
  'login.failed',
  'queue.backlog',
  'cache.flushed',
  'release.tagged',
  'incident.opened',
  'incident.closed',
  'sensor.reading',
];
const MODULES = ['ci', 'custom', 'infra', 'security', 'iot'];
const ENVS = ['prod', 'staging', 'dev'];

/** A small deterministic PRNG, so every run generates the same mix. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The n-th envelope of the mix. Types are skewed (the first ones are the most common). */
export function envelopeAt(n: number, random: () => number): Envelope {
  const type = TYPES[Math.floor(random() ** 2 * TYPES.length)];
  const roll = random();
  const severity: Severity = roll < 0.02 ? 'critical' : roll < 0.1 ? 'warning' : 'info';
  const service = `svc-${Math.floor(random() * 30)}`;
  const env = ENVS[Math.floor(random() * ENVS.length)];
  const rare = random() < 0.005 ? ' after a timeout' : '';
  return {
    type,
    module: MODULES[Math.floor(random() * MODULES.length)],
    source: `source-${Math.floor(random() * 50)}`,
    summary: `${type} on ${service} in ${env} #${n}${rare}`,
    severity,
    payload: { service, env, n, host: `host-${Math.floor(random() * 200)}` },
  };
}
