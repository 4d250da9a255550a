import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

interface ComposeService {
  image?: string;
  build?: unknown;
  container_name?: string;
  ports?: unknown[];
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
  command?: string[];
}

const compose = parse(readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const SCALABLE = ['ingest-gateway', 'timeline-projector', 'rule-evaluator', 'outbound-dispatcher'];

/** `docker compose up --scale outbound-dispatcher=3` (or any app) must work: nothing in a replica may be unique. */
describe('docker-compose.yml', () => {
  it.each(SCALABLE)('%s scales: no fixed container name or host port, one image, a health check', (name) => {
    const service = compose.services[name];
    expect(service).toBeDefined();
    expect(service.container_name).toBeUndefined();
    expect(service.ports ?? []).toEqual([]);
    expect(service.image).toBe(compose.services['ingest-gateway'].image);
    expect(service.environment?.APP).toBe(name);
    expect(service.healthcheck?.test.join(' ')).toContain('/health/ready');
  });

  it('lets the origin reach each app by its service name, which spreads over the replicas', () => {
    const origin = compose.services.origin.environment!;
    expect(origin.DAALU_GATEWAY_URL).toBe('http://ingest-gateway:8080');
    expect(origin.DAALU_OUTBOUND_URL).toBe('http://outbound-dispatcher:8080');
  });

  it('runs a current NATS with JetStream on file storage, pinned to a version', () => {
    const nats = compose.services.nats;
    const [, minor] = /^nats:2\.(\d+)\.\d+(-alpine)?$/.exec(nats.image ?? '') ?? [];
    expect(Number(minor)).toBeGreaterThanOrEqual(11);
    expect(nats.command).toEqual(expect.arrayContaining(['-js', '-sd', '/data']));
  });
});
