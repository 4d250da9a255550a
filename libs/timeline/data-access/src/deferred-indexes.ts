import type { EntityManager } from 'typeorm';

/**
 * Secondary indexes are cheaper to build once over a full table than to maintain row by row while a
 * rebuild replays a million events. `defer` records the table's index definitions (as PostgreSQL
 * prints them, so they always match the migrations) in `deferred_index` and drops them, in the
 * rebuild's first transaction; `restore` builds them again and forgets them. A rebuild that dies in
 * between leaves the definitions behind, and the next start restores them.
 */
export async function deferIndexes(manager: EntityManager, table: string): Promise<number> {
  const indexes: Array<{ indexname: string; indexdef: string }> = await manager.query(
    `SELECT i.indexname, i.indexdef
       FROM pg_indexes i
       LEFT JOIN pg_constraint c ON c.conname = i.indexname AND c.connamespace = to_regnamespace(i.schemaname)
      WHERE i.schemaname = current_schema() AND i.tablename = $1 AND c.conname IS NULL`,
    [table],
  );
  for (const { indexname, indexdef } of indexes) {
    await manager.query(
      `INSERT INTO deferred_index (index_name, table_name, definition) VALUES ($1, $2, $3)
       ON CONFLICT (index_name) DO NOTHING`,
      [indexname, table, indexdef],
    );
    await manager.query(`DROP INDEX IF EXISTS "${indexname}"`);
  }
  return indexes.length;
}

/** Index builds run at once (each on its own connection; CREATE INDEX takes a lock that does not block another). */
const PARALLEL_BUILDS = 2;

/** Builds every deferred index of `table` (on all its partitions) and forgets it; returns their names. */
export async function restoreIndexes(manager: EntityManager, table: string): Promise<string[]> {
  const deferred: Array<{ index_name: string; definition: string }> = await manager.query(
    `SELECT index_name, definition FROM deferred_index WHERE table_name = $1 ORDER BY index_name`,
    [table],
  );
  const queue = [...deferred];
  const worker = async () => {
    const runner = manager.connection.createQueryRunner();
    try {
      await runner.query(`SET maintenance_work_mem TO '256MB'`);
      for (let next = queue.shift(); next; next = queue.shift()) {
        // A partitioned table's index prints as `ON ONLY <table>` (the parent alone); build it on every partition.
        const sql = next.definition
          .replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ')
          .replace(' ON ONLY ', ' ON ');
        await runner.query(sql);
        await runner.query(`DELETE FROM deferred_index WHERE index_name = $1`, [next.index_name]);
      }
      await runner.query(`RESET maintenance_work_mem`);
    } finally {
      await runner.release();
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_BUILDS, deferred.length) }, worker));
  return deferred.map((d) => d.index_name);
}
