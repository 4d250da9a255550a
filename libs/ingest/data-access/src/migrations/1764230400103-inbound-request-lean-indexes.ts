import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every ingest request writes a history row, so each index on the table costs on the hot path. The
 * 30-day purge runs every 10 minutes and can scan; only the per-tenant "latest first" index is read by
 * the detail page.
 */
export class InboundRequestLeanIndexes1764230400103 implements MigrationInterface {
  name = 'InboundRequestLeanIndexes1764230400103';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS inbound_request_received`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX inbound_request_received ON inbound_request (received_at)`);
  }
}
