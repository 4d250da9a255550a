import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@daalu/testing';
import { openProjectionDataSource, projectionDataSourceOptions } from '../src';

const SCHEMA = 'racing';

/** Slow on purpose, and it counts its runs in a table without a key: a second run would show. */
class SlowCountedMigration1700000000001 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE IF NOT EXISTS migration_runs (at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`SELECT pg_sleep(0.5)`);
    await runner.query(`INSERT INTO migration_runs DEFAULT VALUES`);
  }
  async down(): Promise<void> {}
}

/** Replicas that start together migrate the schema once: the others wait on the lock, then find nothing to do. */
describe('migrations under the advisory lock', () => {
  let db: TestDatabase;
  const opened: DataSource[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('migrations_lock');
  });

  afterAll(async () => {
    await Promise.all(opened.map((dataSource) => dataSource.destroy()));
    await db?.drop();
  });

  const replica = async () => {
    const dataSource = await openProjectionDataSource({
      ...projectionDataSourceOptions({ url: db.url, schema: SCHEMA, migrations: [SlowCountedMigration1700000000001] }),
      url: db.url,
      schema: SCHEMA,
    });
    opened.push(dataSource);
    return dataSource;
  };

  it('applies each migration once when four replicas open the schema at the same moment', async () => {
    await Promise.all([replica(), replica(), replica(), replica()]);
    expect(await db.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.migration_runs`)).toEqual([{ n: 1 }]);
    const recorded = await db.query<{ name: string }>(`SELECT name FROM ${SCHEMA}.migrations ORDER BY id`);
    expect(recorded.map((row) => row.name).sort()).toEqual([
      'CreateProjectionCheckpoints1764230400000',
      'SlowCountedMigration1700000000001',
    ]);
    // No session is left holding the lock.
    const held = await db.query(
      `SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database
       WHERE l.locktype = 'advisory' AND d.datname = current_database()`,
    );
    expect(held).toEqual([]);
  });
});
