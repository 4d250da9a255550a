import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Absence rules (dead-man's switch): when each rule last saw a matching event, per group. */
export class CreateAbsenceState1764230400202 implements MigrationInterface {
  name = 'CreateAbsenceState1764230400202';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE absence_state (
        rule_id      uuid NOT NULL,
        group_key    text NOT NULL,
        tenant_id    uuid NOT NULL,
        last_seen_at timestamptz NOT NULL,
        PRIMARY KEY (rule_id, group_key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE absence_state`);
  }
}
