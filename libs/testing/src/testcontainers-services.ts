import { spawnSync } from 'node:child_process';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';

/** True where a Docker engine answers (testcontainers needs one). */
export function dockerAvailable(): boolean {
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 }).status === 0;
}

/** PostgreSQL in a container, trust auth, for test runs on machines without a local server. */
export async function startPostgresContainer(): Promise<{ url: string; container: StartedTestContainer }> {
  const container = await new GenericContainer('postgres:16-alpine')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'daalu' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  return { url: `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/daalu`, container };
}

/** NATS with JetStream in a container. */
export async function startNatsContainer(): Promise<{ url: string; container: StartedTestContainer }> {
  const container = await new GenericContainer('nats:2.10-alpine')
    .withCommand(['-js'])
    .withExposedPorts(4222)
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .start();
  return { url: `nats://${container.getHost()}:${container.getMappedPort(4222)}`, container };
}
