import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What people and senders do to an alert: who acknowledged it, when and why; who resolved it by hand
 * and why; and the sender's dedup key, by which a later event resolves it.
 */
export class AlertLifecycle1764230400204 implements MigrationInterface {
  name = 'AlertLifecycle1764230400204';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE alert
        ADD COLUMN acknowledged_at  timestamptz,
        ADD COLUMN acknowledged_by  text,
        ADD COLUMN acknowledge_note text,
        ADD COLUMN resolved_by      text,
        ADD COLUMN resolve_note     text,
        ADD COLUMN dedup_key        text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE alert
        DROP COLUMN acknowledged_at, DROP COLUMN acknowledged_by, DROP COLUMN acknowledge_note,
        DROP COLUMN resolved_by, DROP COLUMN resolve_note, DROP COLUMN dedup_key`);
  }
}
