import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Change proposals and their decisions (a projection of the proposal facts). */
export class CreateProposal1764230400203 implements MigrationInterface {
  name = 'CreateProposal1764230400203';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE proposal (
        proposal_id uuid PRIMARY KEY,
        tenant_id   uuid NOT NULL,
        kind        text NOT NULL,
        title       text NOT NULL,
        payload     jsonb NOT NULL,
        state       text NOT NULL,
        created_at  timestamptz NOT NULL,
        created_by  text NOT NULL,
        decided_at  timestamptz,
        decided_by  text,
        reason      text,
        last_seq    bigint NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX proposal_tenant_created ON proposal (tenant_id, created_at DESC, proposal_id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE proposal`);
  }
}
