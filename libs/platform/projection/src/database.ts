import { Client } from 'pg';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import type { MigrationInterface } from 'typeorm';
import { CreateProjectionCheckpoints1764230400000 } from './checkpoint.migration';

const SCHEMA_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * Creates the database (if missing) and the app's schema. Every app owns one schema and only its own
 * migrations touch it: apps share messages, never tables.
 */
export async function ensureDatabaseAndSchema(url: string, schema: string): Promise<void> {
  if (!SCHEMA_PATTERN.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error; // 3D000: database does not exist
    await createDatabase(url);
    return ensureDatabaseAndSchema(url, schema);
  }
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (error) {
    // Two apps starting at once may race on the same schema name only in tests; the loser can go on.
    if ((error as { code?: string }).code !== '23505') throw error;
  } finally {
    await client.end();
  }
}

async function createDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`refusing to create database with name "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } catch (error) {
    // 42P04 or 23505: another app created it at the same moment (apps start together).
    if (!['42P04', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
  } finally {
    await client.end();
  }
}

export interface ProjectionDatabaseOptions {
  url: string;
  /** The app's own schema; every unqualified table name in its migrations lands here. */
  schema: string;
  migrations: Array<new () => MigrationInterface>;
  poolSize?: number;
}

/** TypeORM options for an app's data source: its schema first on the search path, migrations only (never synchronised). */
export function projectionDataSourceOptions(options: ProjectionDatabaseOptions): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    synchronize: false,
    // Migrations run under an advisory lock (openProjectionDataSource), never as a side effect of initialize().
    migrationsRun: false,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    migrations: [CreateProjectionCheckpoints1764230400000, ...options.migrations],
    extra: { max: options.poolSize ?? 10, options: `-c search_path=${options.schema}` },
    logging: ['error', 'migration'],
  };
}
