import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tenant audit log: one row per security-relevant fact (CONFIG facts, kept as long as the log keeps
 * them: forever; proposal facts of EVENTS, pruned with the events' retention). The fact's id is the
 * row's id, so a fact applied twice (a redelivery, a replayed dead letter) is stored once. `details`
 * holds a few plain fields, never a secret, a hash or a sealed value.
 *
 * Indexes: a tenant's entries newest first (the listing and its keyset cursor), the same per action
 * (an exact action filter), and per stream by time (the retention sweep of the EVENTS rows).
 */
export class CreateAuditEntry1764230400400 implements MigrationInterface {
  name = 'CreateAuditEntry1764230400400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_entry (
        id           uuid PRIMARY KEY,
        tenant_id    uuid NOT NULL,
        occurred_at  timestamptz NOT NULL,
        action       text NOT NULL,
        actor        text,
        target_type  text NOT NULL,
        target_id    text,
        target_name  text,
        details      jsonb NOT NULL DEFAULT '{}'::jsonb,
        stream       text NOT NULL,
        seq          bigint NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX audit_entry_tenant_time ON audit_entry (tenant_id, occurred_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX audit_entry_tenant_action_time ON audit_entry (tenant_id, action, occurred_at DESC, id DESC)`,
    );
    await queryRunner.query(`CREATE INDEX audit_entry_stream_time ON audit_entry (stream, occurred_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_entry`);
  }
}
