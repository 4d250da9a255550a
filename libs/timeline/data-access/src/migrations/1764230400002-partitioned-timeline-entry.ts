import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The timeline as a table partitioned by day, so retention drops whole partitions instead of deleting
 * rows. Every kind of fact that lands on a tenant's timeline (events now; alerts and proposals later)
 * is one row: `kind` says which, `type/module/source/summary/severity/payload` are what the timeline
 * shows and filters on, and `ref_id` points at the alert or proposal a row is about.
 *
 * Replaces the first, unpartitioned table; the projection is replayed from the log to fill it.
 */
export class PartitionedTimelineEntry1764230400002 implements MigrationInterface {
  name = 'PartitionedTimelineEntry1764230400002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS timeline_event`);
    await queryRunner.query(
      `UPDATE projection_checkpoint SET last_sequence = 0, applied_total = 0, updated_at = now()
        WHERE projection = 'timeline-events'`,
    );
    // Trigram search for `q`; a trusted extension, so the database owner may create it.
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    const [{ schema }] = await queryRunner.query(
      `SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'pg_trgm'`,
    );
    await queryRunner.query(`
      CREATE TABLE timeline_entry (
        tenant_id      uuid NOT NULL,
        recorded_at    timestamptz NOT NULL,
        id             uuid NOT NULL,
        kind           text NOT NULL,
        type           text COLLATE "C" NOT NULL,
        module         text NOT NULL,
        source         text NOT NULL,
        summary        text NOT NULL,
        severity       smallint NOT NULL,
        payload        jsonb NOT NULL,
        ref_id         uuid,
        correlation_id text NOT NULL,
        stream_seq     bigint NOT NULL,
        PRIMARY KEY (tenant_id, recorded_at, id)
      ) PARTITION BY RANGE (recorded_at)`);
    // Newest first within a tenant, for each filter that narrows a lot; the primary key serves the rest.
    for (const column of ['type', 'module', 'source', 'severity']) {
      await queryRunner.query(
        `CREATE INDEX timeline_entry_${column} ON timeline_entry (tenant_id, ${column}, recorded_at, id)`,
      );
    }
    await queryRunner.query(`CREATE INDEX timeline_entry_seq ON timeline_entry (tenant_id, stream_seq)`);
    await queryRunner.query(`CREATE INDEX timeline_entry_payload ON timeline_entry USING gin (payload jsonb_path_ops)`);
    await queryRunner.query(
      `CREATE INDEX timeline_entry_summary ON timeline_entry USING gin (summary "${schema}".gin_trgm_ops)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE timeline_entry`);
  }
}
