import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { NATS_MAX_PAYLOAD } from '@daalu/dev/local-services';
import { FACT_OVERHEAD_BYTES, INGEST_BODY_LIMIT } from '@daalu/ingest/feature';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Every NATS Daalu sets up takes the fact of a 1 MiB event: npm start's, compose's and Kubernetes'. */
describe('NATS max_payload wherever Daalu configures NATS', () => {
  it('is large enough for a 1 MiB event’s fact', () => {
    expect(NATS_MAX_PAYLOAD).toBeGreaterThanOrEqual(INGEST_BODY_LIMIT + FACT_OVERHEAD_BYTES);
  });

  it('is the same in deploy/nats/daalu.conf, which docker compose mounts into its NATS', () => {
    expect(read('deploy/nats/daalu.conf')).toMatch(/^max_payload: 4MB$/m);
    expect(NATS_MAX_PAYLOAD).toBe(4 * 1024 * 1024);
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: { nats: { command: string[]; volumes: string[] } };
    };
    expect(compose.services.nats.volumes).toContain('./deploy/nats/daalu.conf:/etc/nats/daalu.conf:ro');
    expect(compose.services.nats.command.slice(0, 2)).toEqual(['-c', '/etc/nats/daalu.conf']);
  });

  it('is the same in the Helm values for the NATS cluster', () => {
    const values = parse(read('deploy/nats/values.yaml')) as { config: { merge: { max_payload: number } } };
    expect(values.config.merge.max_payload).toBe(NATS_MAX_PAYLOAD);
  });
});
