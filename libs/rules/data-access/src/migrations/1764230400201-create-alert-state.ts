import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The evaluator's state, built from the log like any projection:
 *  - `alert`: every alert it fired, firing or resolved (what GET /api/v1/alerts lists);
 *  - `rule_window`: for threshold rules, the recent match times per rule and group;
 *  - `recent_change`: the last 30 minutes of change events, for the context of alerts;
 *  - `emitted_fact`: the message ids of the facts it put on the log. Not projection state but a record
 *    of the log itself: a rebuild keeps it, so replaying old events never publishes an alert twice.
 */
export class CreateAlertState1764230400201 implements MigrationInterface {
  name = 'CreateAlertState1764230400201';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE alert (
        alert_id      uuid PRIMARY KEY,
        tenant_id     uuid NOT NULL,
        rule_id       uuid NOT NULL,
        rule_name     text NOT NULL,
        rule_kind     text NOT NULL,
        group_key     text NOT NULL,
        state         text NOT NULL,
        severity      text NOT NULL,
        summary       text NOT NULL,
        fired_at      timestamptz NOT NULL,
        resolved_at   timestamptz,
        resolve_reason text,
        count         integer NOT NULL,
        last_seen_at  timestamptz NOT NULL,
        event_ids     uuid[] NOT NULL,
        context       jsonb NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX alert_tenant_fired ON alert (tenant_id, fired_at DESC, alert_id DESC)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX alert_one_firing ON alert (rule_id, group_key) WHERE state = 'firing'`,
    );
    await queryRunner.query(`
      CREATE TABLE rule_window (
        rule_id   uuid NOT NULL,
        group_key text NOT NULL,
        times     bigint[] NOT NULL,
        event_ids uuid[] NOT NULL,
        PRIMARY KEY (rule_id, group_key)
      )`);
    await queryRunner.query(
      `CREATE TABLE emitted_fact (msg_id text PRIMARY KEY, emitted_at timestamptz NOT NULL DEFAULT now())`,
    );
    // Change events (deploys and the like) of the last 30 minutes: the context a fired alert carries.
    await queryRunner.query(`
      CREATE TABLE recent_change (
        tenant_id   uuid NOT NULL,
        received_at timestamptz NOT NULL,
        event_id    uuid NOT NULL,
        type        text NOT NULL,
        source      text NOT NULL,
        summary     text NOT NULL,
        service     text,
        PRIMARY KEY (tenant_id, received_at, event_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE recent_change`);
    await queryRunner.query(`DROP TABLE emitted_fact`);
    await queryRunner.query(`DROP TABLE rule_window`);
    await queryRunner.query(`DROP TABLE alert`);
  }
}
