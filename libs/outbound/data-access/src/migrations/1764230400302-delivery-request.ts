import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A delivery keeps what was requested (the fact), so that it can be sent again (redeliver). */
export class DeliveryRequest1764230400302 implements MigrationInterface {
  name = 'DeliveryRequest1764230400302';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE delivery ADD COLUMN fact jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE delivery DROP COLUMN fact`);
  }
}
