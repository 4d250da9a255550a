import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Silences (built from their facts on the alerts' subject, like alerts) and, on each alert, the silence
 * that covered it when it fired while it still does.
 */
export class Silences1764230400205 implements MigrationInterface {
  name = 'Silences1764230400205';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE silence (
        silence_id  uuid PRIMARY KEY,
        tenant_id   uuid NOT NULL,
        matchers    jsonb NOT NULL,
        starts_at   timestamptz NOT NULL,
        ends_at     timestamptz NOT NULL,
        expired_at  timestamptz,
        created_at  timestamptz NOT NULL,
        created_by  text NOT NULL,
        expired_by  text,
        comment     text NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX silence_tenant_ends ON silence (tenant_id, ends_at DESC)`);
    await queryRunner.query(`ALTER TABLE alert ADD COLUMN silenced_by uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE alert DROP COLUMN silenced_by`);
    await queryRunner.query(`DROP TABLE silence`);
  }
}
