import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Deliveries and every attempt at them (the webhook detail page's history). */
export class CreateDelivery1764230400301 implements MigrationInterface {
  name = 'CreateDelivery1764230400301';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE delivery (
        delivery_id      uuid PRIMARY KEY,
        tenant_id        uuid NOT NULL,
        webhook_id       uuid NOT NULL,
        fact_kind        text NOT NULL,
        fact_id          uuid NOT NULL,
        state            text NOT NULL,
        created_at       timestamptz NOT NULL,
        first_attempt_at timestamptz,
        attempts         integer NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz,
        last_status      integer,
        finished_at      timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX delivery_webhook_created ON delivery (webhook_id, created_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE delivery_attempt (
        delivery_id uuid NOT NULL,
        attempt     integer NOT NULL,
        at          timestamptz NOT NULL,
        duration_ms real NOT NULL,
        request     jsonb NOT NULL,
        response    jsonb,
        error       text,
        PRIMARY KEY (delivery_id, attempt)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE delivery_attempt`);
    await queryRunner.query(`DROP TABLE delivery`);
  }
}
