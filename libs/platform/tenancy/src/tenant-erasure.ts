import { Inject, Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { ProjectionHost } from '@daalu/platform/projection';
import { LOGGER, type Logger } from '@daalu/platform/observability';
import { ApiTokenDirectory } from './api-token-directory';

/** A batch still in flight when the tenant went may land after the first pass: a second pass this much later. */
const SECOND_PASS_MS = 5_000;

/**
 * What `tenant.deleted` does in each app: every projection steps over the tenant's facts still on the
 * log from then on (they age out with retention), and every row of the app's own schema with a
 * `tenant_id` column of that tenant is deleted, twice (the second pass catches a batch that was in
 * flight). The deletion runs again for each deleted tenant when the app replays CONFIG at a start:
 * deleting nothing costs little, and an app that was down when the tenant went catches up.
 */
@Injectable()
export class TenantErasure implements OnModuleDestroy {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    directory: ApiTokenDirectory,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly dataSource?: DataSource,
    @Optional() host?: ProjectionHost,
  ) {
    host?.skipTenantsWhere((tenantId) => directory.isDeleted(tenantId));
    directory.onTenantDeleted((tenantId) => this.schedule(tenantId));
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  /** Deletes the tenant's rows from every table of this app's schema that has a `tenant_id` column. */
  async erase(tenantId: string): Promise<number> {
    if (!this.dataSource?.isInitialized) return 0;
    const schema = (this.dataSource.options as PostgresConnectionOptions).schema ?? 'public';
    const tables: Array<{ name: string }> = await this.dataSource.query(
      `SELECT c.relname AS name
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND a.attname = 'tenant_id' AND NOT a.attisdropped
          AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        ORDER BY c.relname`,
      [schema],
    );
    let deleted = 0;
    for (const { name } of tables) {
      const table = `"${schema.replace(/"/g, '""')}"."${name.replace(/"/g, '""')}"`;
      // A CTE and a SELECT: TypeORM answers a bare DELETE with [rows, count], a SELECT with rows.
      const [{ n }]: Array<{ n: number }> = await this.dataSource.query(
        `WITH gone AS (DELETE FROM ${table} WHERE tenant_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
        [tenantId],
      );
      deleted += n;
    }
    return deleted;
  }

  private schedule(tenantId: string): void {
    const pass = (which: string) =>
      this.erase(tenantId).then(
        (rows) => {
          if (rows > 0) this.logger.info({ tenantId, rows, pass: which }, 'deleted tenant: its rows removed');
        },
        (error: unknown) =>
          this.logger.error({ err: error, tenantId }, 'deleted tenant: rows not removed; retried at the next start'),
      );
    // Off the follower's path: it applies facts synchronously and must not wait for PostgreSQL.
    setImmediate(() => void pass('first'));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void pass('second');
    }, SECOND_PASS_MS);
    timer.unref();
    this.timers.add(timer);
  }
}
