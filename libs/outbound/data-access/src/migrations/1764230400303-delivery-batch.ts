import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Batch mode: facts waiting for a batch-mode webhook's next POST (`batch_item`, written by the fan-out
 * in its checkpoint's transaction), and the batches closed from them (`delivery_batch`: which items,
 * fixed before the delivery is requested, so that a retried close requests the same batch).
 */
export class DeliveryBatch1764230400303 implements MigrationInterface {
  name = 'DeliveryBatch1764230400303';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE batch_item (
        webhook_id uuid NOT NULL,
        seq        bigint NOT NULL,
        tenant_id  uuid NOT NULL,
        fact_kind  text NOT NULL,
        fact_id    uuid NOT NULL,
        fact       jsonb NOT NULL,
        bytes      integer NOT NULL,
        added_at   timestamptz NOT NULL DEFAULT now(),
        batch_id   uuid,
        PRIMARY KEY (webhook_id, seq)
      )`);
    await queryRunner.query(`CREATE INDEX batch_item_open ON batch_item (webhook_id, seq) WHERE batch_id IS NULL`);
    await queryRunner.query(`CREATE INDEX batch_item_batch ON batch_item (batch_id, seq) WHERE batch_id IS NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE delivery_batch (
        batch_id   uuid PRIMARY KEY,
        webhook_id uuid NOT NULL,
        tenant_id  uuid NOT NULL,
        size       integer NOT NULL,
        closed_at  timestamptz NOT NULL,
        requested  boolean NOT NULL DEFAULT false
      )`);
    await queryRunner.query(
      `CREATE INDEX delivery_batch_unrequested ON delivery_batch (closed_at) WHERE NOT requested`,
    );
    await queryRunner.query(`CREATE INDEX delivery_batch_closed ON delivery_batch (closed_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE delivery_batch`);
    await queryRunner.query(`DROP TABLE batch_item`);
  }
}
