import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateInboundRequest1764230400101 implements MigrationInterface {
  name = 'CreateInboundRequest1764230400101';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE inbound_request (
        id           bigserial PRIMARY KEY,
        tenant_id    uuid NOT NULL,
        received_at  timestamptz NOT NULL,
        method       text NOT NULL,
        path         text NOT NULL,
        status       smallint NOT NULL,
        duration_ms  real NOT NULL,
        event_ids    uuid[] NOT NULL DEFAULT '{}',
        request      jsonb NOT NULL,
        response     jsonb NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX inbound_request_tenant_latest ON inbound_request (tenant_id, id DESC)`);
    await queryRunner.query(`CREATE INDEX inbound_request_received ON inbound_request (received_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inbound_request`);
  }
}
