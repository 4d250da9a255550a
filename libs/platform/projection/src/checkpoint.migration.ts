import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every projecting app's first table: for each projection, the last stream sequence it applied.
 * It is updated in the same transaction as the projection rows, so a redelivered or replayed message
 * (sequence at or below the checkpoint) changes nothing.
 */
export class CreateProjectionCheckpoints1764230400000 implements MigrationInterface {
  name = 'CreateProjectionCheckpoints1764230400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE projection_checkpoint (
        projection    text PRIMARY KEY,
        stream        text NOT NULL,
        last_sequence bigint NOT NULL DEFAULT 0,
        applied_total bigint NOT NULL DEFAULT 0,
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE projection_checkpoint`);
  }
}
