import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Receiver health and delivery operations:
 *  - `delivery` says what it was about (`fact_type`: the event's type, else the fact's kind; `summary`:
 *    the event or alert summary, the proposal title), can be found by state and time, and names the
 *    recovery that asked for it again (`recovery_id`);
 *  - `webhook_health`: one row per webhook, kept in the statement that records attempts;
 *  - `webhook_delivery_minute`: attempts per webhook and minute (success rates, the 24 h chart);
 *  - `delivery_recovery`: a bulk "send again what failed since …", published at the webhook's rate.
 */
export class WebhookHealth1764230400304 implements MigrationInterface {
  name = 'WebhookHealth1764230400304';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE delivery
        ADD COLUMN fact_type   text,
        ADD COLUMN summary     text,
        ADD COLUMN recovery_id uuid`);
    await queryRunner.query(`
      UPDATE delivery SET
        fact_type = CASE WHEN fact_kind = 'event.ingested' AND fact ? 'type' THEN fact->>'type' ELSE fact_kind END,
        summary = left(COALESCE(fact->>'summary', fact->>'title'), 300)`);
    await queryRunner.query(`DROP INDEX delivery_webhook_created`);
    await queryRunner.query(
      `CREATE INDEX delivery_webhook_history ON delivery (webhook_id, created_at DESC, delivery_id DESC)`,
    );
    // Failed and skipped deliveries only (what a recovery and the history's usual filter look for): a
    // delivery delivered at its first attempt, most of them, never enters it.
    await queryRunner.query(
      `CREATE INDEX delivery_webhook_unsent ON delivery (webhook_id, created_at DESC, delivery_id DESC) WHERE state IN ('failed', 'skipped')`,
    );
    await queryRunner.query(
      `CREATE INDEX delivery_by_recovery ON delivery (recovery_id, created_at, delivery_id) WHERE recovery_id IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE webhook_health (
        webhook_id           uuid PRIMARY KEY,
        tenant_id            uuid NOT NULL,
        state                text NOT NULL DEFAULT 'healthy',
        consecutive_failures integer NOT NULL DEFAULT 0,
        last_success_at      timestamptz,
        last_failure_at      timestamptz,
        last_error           text,
        last_status          integer,
        failing_since        timestamptz,
        disabled_reason      text,
        disabled_at          timestamptz,
        transition_seq       integer NOT NULL DEFAULT 0,
        notified_state       text NOT NULL DEFAULT 'healthy'
      )`);
    // Every change of state is numbered (the id of the fact that tells it derives from the number),
    // whichever statement makes it: an attempt's record, the auto-disable, a re-enable.
    await queryRunner.query(`
      CREATE FUNCTION webhook_health_transition() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          IF NEW.state <> 'healthy' THEN NEW.transition_seq := 1; END IF;
        ELSIF NEW.state <> OLD.state THEN
          NEW.transition_seq := OLD.transition_seq + 1;
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER webhook_health_transition BEFORE INSERT OR UPDATE ON webhook_health
        FOR EACH ROW EXECUTE FUNCTION webhook_health_transition()`);
    await queryRunner.query(
      `CREATE INDEX webhook_health_failing ON webhook_health (failing_since) WHERE state = 'failing'`,
    );
    await queryRunner.query(
      `CREATE INDEX webhook_health_unnotified ON webhook_health (webhook_id) WHERE state <> notified_state`,
    );
    await queryRunner.query(`
      CREATE TABLE webhook_delivery_minute (
        webhook_id uuid NOT NULL,
        minute     timestamptz NOT NULL,
        delivered  integer NOT NULL DEFAULT 0,
        failed     integer NOT NULL DEFAULT 0,
        PRIMARY KEY (webhook_id, minute)
      )`);
    await queryRunner.query(`CREATE INDEX webhook_delivery_minute_age ON webhook_delivery_minute (minute)`);
    await queryRunner.query(`
      CREATE TABLE delivery_recovery (
        recovery_id     uuid PRIMARY KEY,
        tenant_id       uuid NOT NULL,
        webhook_id      uuid NOT NULL,
        since           timestamptz NOT NULL,
        statuses        text[] NOT NULL,
        total           integer NOT NULL,
        requested       integer NOT NULL DEFAULT 0,
        cursor_at       timestamptz,
        cursor_id       uuid,
        created_at      timestamptz NOT NULL DEFAULT now(),
        finished_at     timestamptz,
        lease_owner     text,
        lease_until     timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX delivery_recovery_running ON delivery_recovery (lease_until) WHERE finished_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE delivery_recovery`);
    await queryRunner.query(`DROP TABLE webhook_delivery_minute`);
    await queryRunner.query(`DROP TABLE webhook_health`);
    await queryRunner.query(`DROP FUNCTION webhook_health_transition()`);
    await queryRunner.query(`DROP INDEX delivery_by_recovery`);
    await queryRunner.query(`DROP INDEX delivery_webhook_unsent`);
    await queryRunner.query(`DROP INDEX delivery_webhook_history`);
    await queryRunner.query(`CREATE INDEX delivery_webhook_created ON delivery (webhook_id, created_at DESC)`);
    await queryRunner.query(`ALTER TABLE delivery DROP COLUMN fact_type, DROP COLUMN summary, DROP COLUMN recovery_id`);
  }
}
