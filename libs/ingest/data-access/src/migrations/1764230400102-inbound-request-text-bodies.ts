import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The request/response pair is stored as the JSON text it was, not as jsonb: nothing queries inside it,
 * and not parsing ~2,500 documents a second leaves the CPU to ingest (see docs/benchmarks.md).
 */
export class InboundRequestTextBodies1764230400102 implements MigrationInterface {
  name = 'InboundRequestTextBodies1764230400102';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE inbound_request ALTER COLUMN request TYPE text USING request::text`);
    await queryRunner.query(`ALTER TABLE inbound_request ALTER COLUMN response TYPE text USING response::text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE inbound_request ALTER COLUMN request TYPE jsonb USING request::jsonb`);
    await queryRunner.query(`ALTER TABLE inbound_request ALTER COLUMN response TYPE jsonb USING response::jsonb`);
  }
}
