import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rejected ingest requests past the first few of a minute are counted, not stored: one row per tenant,
 * key, status and minute holds how many there were and when the first and last came, so a flood of
 * 429s costs a row a minute instead of a row a request. The primary key serves the detail page (a
 * tenant's latest minutes) and lets every gateway replica add its count to the same row.
 */
export class InboundSuppressed1764230400104 implements MigrationInterface {
  name = 'InboundSuppressed1764230400104';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE inbound_suppressed (
        tenant_id   uuid NOT NULL,
        minute      timestamptz NOT NULL,
        status      smallint NOT NULL,
        key_prefix  text NOT NULL,
        count       bigint NOT NULL,
        first_at    timestamptz NOT NULL,
        last_at     timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, minute, status, key_prefix)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inbound_suppressed`);
  }
}
