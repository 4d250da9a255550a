import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { ensureDatabaseAndSchema } from './database';

/** Every replica of every app that migrates a schema takes this lock first; the key names the schema. */
export function migrationLockKey(schema: string): string {
  return `daalu:migrate:${schema}`;
}

/**
 * Runs the schema's pending migrations while holding a PostgreSQL advisory lock, so replicas that start
 * together (or an upgrade Job racing a rollout) never apply the same migration twice: the others wait on
 * the lock, then find nothing pending. TypeORM itself takes no lock. Returns the names it applied.
 */
export async function runMigrationsLocked(dataSource: DataSource, url: string, schema: string): Promise<string[]> {
  const lock = new Client({ connectionString: url, application_name: `migrate:${schema}` });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [migrationLockKey(schema)]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    // Ending the session releases the lock even if the unlock is never sent.
    await lock.end().catch(() => undefined);
  }
}

/** The app's data source: database and schema created if missing, then migrated under the lock. */
export async function openProjectionDataSource(
  options: PostgresConnectionOptions & { url: string; schema: string },
): Promise<DataSource> {
  await ensureDatabaseAndSchema(options.url, options.schema);
  const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
  try {
    await runMigrationsLocked(dataSource, options.url, options.schema);
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
  return dataSource;
}
