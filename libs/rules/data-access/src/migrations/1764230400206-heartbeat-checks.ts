import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Heartbeat checks: a check's state gains the run in progress, the last run's duration and its recent
 * pings (a check may have heard only failures, so no success yet); pauses are kept per rule.
 */
export class HeartbeatChecks1764230400206 implements MigrationInterface {
  name = 'HeartbeatChecks1764230400206';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE absence_state ALTER COLUMN last_seen_at DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE absence_state ADD COLUMN run_started_at timestamptz`);
    await queryRunner.query(`ALTER TABLE absence_state ADD COLUMN last_duration_ms bigint`);
    await queryRunner.query(`ALTER TABLE absence_state ADD COLUMN pings jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE absence_state ADD COLUMN fired_alert_id uuid`);
    await queryRunner.query(`CREATE INDEX absence_state_tenant ON absence_state (tenant_id)`);
    await queryRunner.query(`
      CREATE TABLE check_pause (
        rule_id    uuid PRIMARY KEY,
        tenant_id  uuid NOT NULL,
        paused_at  timestamptz,
        paused_by  text,
        resumed_at timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE check_pause`);
    await queryRunner.query(`DROP INDEX absence_state_tenant`);
    await queryRunner.query(`ALTER TABLE absence_state DROP COLUMN fired_alert_id`);
    await queryRunner.query(`ALTER TABLE absence_state DROP COLUMN pings`);
    await queryRunner.query(`ALTER TABLE absence_state DROP COLUMN last_duration_ms`);
    await queryRunner.query(`ALTER TABLE absence_state DROP COLUMN run_started_at`);
  }
}
