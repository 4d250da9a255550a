import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Index definitions a rebuild dropped to build once at the end (kept here in case the rebuild dies). */
export class DeferredIndex1764230400003 implements MigrationInterface {
  name = 'DeferredIndex1764230400003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE deferred_index (
        index_name text PRIMARY KEY,
        table_name text NOT NULL,
        definition text NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE deferred_index`);
  }
}
