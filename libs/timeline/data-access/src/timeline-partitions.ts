import type { EntityManager } from 'typeorm';

const DAY_MS = 86_400_000;

/** The UTC day (epoch ms at 00:00) a time falls in. */
export function dayOf(time: Date | number): number {
  const ms = typeof time === 'number' ? time : time.getTime();
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export function partitionName(day: number): string {
  return `timeline_entry_${new Date(day).toISOString().slice(0, 10).replace(/-/g, '')}`;
}

const PARTITION_NAME = /^timeline_entry_(\d{4})(\d{2})(\d{2})$/;

/**
 * Day partitions of `timeline_entry`: created ahead of need (and on demand for a replayed day), dropped
 * whole once older than the retention period.
 */
export class TimelinePartitions {
  /**
   * Creates the partitions of these days that do not exist yet, inside the caller's transaction (so a
   * rolled-back batch leaves nothing half-made). One catalog lookup for all the days; safe across replicas.
   */
  async ensure(manager: EntityManager, days: Iterable<number>): Promise<void> {
    const names = [...new Set(days)].map((day) => ({ day, name: partitionName(day) }));
    if (names.length === 0) return;
    const missing: Array<{ name: string }> = await manager.query(
      `SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL`,
      [names.map((n) => n.name)],
    );
    for (const { name } of missing) {
      const day = names.find((n) => n.name === name)!.day;
      const from = new Date(day).toISOString();
      const to = new Date(day + DAY_MS).toISOString();
      try {
        await manager.query(
          `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF timeline_entry FOR VALUES FROM ('${from}') TO ('${to}')`,
        );
      } catch (error) {
        // Another replica created it at the same moment.
        if (!['42P07', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
      }
    }
  }

  /** Drops every partition whose whole day is before `cutoff`; returns the dropped names. */
  async dropBefore(manager: EntityManager, cutoff: number): Promise<string[]> {
    const dropped: string[] = [];
    for (const { name, day } of await this.list(manager)) {
      if (day + DAY_MS > cutoff) continue;
      await manager.query(`DROP TABLE IF EXISTS ${name}`);
      dropped.push(name);
    }
    return dropped;
  }

  async list(manager: EntityManager): Promise<Array<{ name: string; day: number }>> {
    const rows: Array<{ name: string }> = await manager.query(
      `SELECT child.relname AS name
         FROM pg_inherits
         JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
         JOIN pg_class child ON child.oid = pg_inherits.inhrelid
        WHERE parent.oid = 'timeline_entry'::regclass
        ORDER BY child.relname`,
    );
    return rows.flatMap(({ name }) => {
      const match = PARTITION_NAME.exec(name);
      return match ? [{ name, day: Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) }] : [];
    });
  }
}
