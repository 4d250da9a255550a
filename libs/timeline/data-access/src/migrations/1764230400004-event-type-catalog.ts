import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event-type catalog (`GET /api/v1/event-types`), kept by the timeline projection in the same
 * transaction as the timeline rows: one row per tenant, type and UTC day, so retention ages it by whole
 * days like the day partitions of `timeline_entry`, and `event_type_refused` for the events of types a
 * tenant sent past its cap (1,000 types).
 *
 * Filled here from the timeline already there (the same rules as the projection: a tenant's first
 * 1,000 types in log order, the first 20 sources of a day in log order, the latest payload as sample if
 * its JSON is under 4 KiB), so an upgrade needs no replay.
 */
export class EventTypeCatalog1764230400004 implements MigrationInterface {
  name = 'EventTypeCatalog1764230400004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE event_type_day (
        tenant_id        uuid NOT NULL,
        type             text COLLATE "C" NOT NULL,
        day              date NOT NULL,
        count            bigint NOT NULL,
        first_seen_at    timestamptz NOT NULL,
        last_seen_at     timestamptz NOT NULL,
        sources          text[] NOT NULL,
        sample           jsonb,
        sample_truncated boolean NOT NULL,
        PRIMARY KEY (tenant_id, type, day)
      )`);
    await queryRunner.query(`
      CREATE TABLE event_type_refused (
        tenant_id uuid NOT NULL,
        day       date NOT NULL,
        events    bigint NOT NULL,
        PRIMARY KEY (tenant_id, day)
      )`);
    await queryRunner.query(`
      WITH per_day AS (
        SELECT tenant_id, type, (recorded_at AT TIME ZONE 'UTC')::date AS day, count(*) AS count,
               min(recorded_at) AS first_seen_at, max(recorded_at) AS last_seen_at, min(stream_seq) AS first_seq
          FROM timeline_entry WHERE kind = 'event' GROUP BY 1, 2, 3
      ), ranked AS (
        SELECT tenant_id, type, row_number() OVER (PARTITION BY tenant_id ORDER BY min(first_seq)) AS rank
          FROM per_day GROUP BY tenant_id, type
      ), refused AS (
        INSERT INTO event_type_refused (tenant_id, day, events)
        SELECT p.tenant_id, p.day, sum(p.count)
          FROM per_day p JOIN ranked r ON r.tenant_id = p.tenant_id AND r.type = p.type
         WHERE r.rank > 1000 GROUP BY 1, 2
      )
      INSERT INTO event_type_day
        (tenant_id, type, day, count, first_seen_at, last_seen_at, sources, sample, sample_truncated)
      SELECT p.tenant_id, p.type, p.day, p.count, p.first_seen_at, p.last_seen_at,
             ARRAY(SELECT s.source FROM (
                     SELECT e.source, min(e.stream_seq) AS seq FROM timeline_entry e
                      WHERE e.tenant_id = p.tenant_id AND e.type = p.type AND e.kind = 'event'
                        AND e.recorded_at >= p.day::timestamp AT TIME ZONE 'UTC'
                        AND e.recorded_at < (p.day + 1)::timestamp AT TIME ZONE 'UTC'
                      GROUP BY e.source ORDER BY 2 LIMIT 20) s ORDER BY s.seq),
             CASE WHEN octet_length(latest.payload::text) < 4096 THEN latest.payload END,
             octet_length(latest.payload::text) >= 4096
        FROM per_day p
        JOIN ranked r ON r.tenant_id = p.tenant_id AND r.type = p.type AND r.rank <= 1000
        CROSS JOIN LATERAL (
          SELECT e.payload FROM timeline_entry e
           WHERE e.tenant_id = p.tenant_id AND e.type = p.type AND e.kind = 'event' AND e.recorded_at = p.last_seen_at
           ORDER BY e.stream_seq DESC LIMIT 1) latest`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE event_type_refused`);
    await queryRunner.query(`DROP TABLE event_type_day`);
  }
}
