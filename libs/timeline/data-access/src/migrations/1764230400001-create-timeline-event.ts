import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTimelineEvent1764230400001 implements MigrationInterface {
  name = 'CreateTimelineEvent1764230400001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE timeline_event (
        id             uuid PRIMARY KEY,
        tenant_id      uuid NOT NULL,
        type           text NOT NULL,
        module         text NOT NULL,
        source         text NOT NULL,
        summary        text NOT NULL,
        severity       text NOT NULL,
        payload        jsonb NOT NULL,
        received_at    timestamptz NOT NULL,
        stream_seq     bigint NOT NULL,
        correlation_id text NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX timeline_event_tenant_received ON timeline_event (tenant_id, received_at DESC, id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE timeline_event`);
  }
}
