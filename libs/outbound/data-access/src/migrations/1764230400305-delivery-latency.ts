import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Latency per webhook and minute: `webhook_delivery_minute.latency_counts` counts the minute's answered
 * attempts per slot of fixed latency bounds (LATENCY_BOUNDS_MS in health.ts: 5, 10, 25 … 30,000 ms and
 * slower), added slot by slot as the health ledger folds attempts in. The chart's p50 and p99 per hour
 * are read from these sums, never from the attempts (a busy webhook makes 100,000 a day, and
 * `delivery_attempt` has no index on time). Minutes from before are left empty: no latency for them.
 * A constant default adds the column without rewriting the table.
 */
export class DeliveryLatency1764230400305 implements MigrationInterface {
  name = 'DeliveryLatency1764230400305';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE webhook_delivery_minute ADD COLUMN latency_counts integer[] NOT NULL DEFAULT '{}'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE webhook_delivery_minute DROP COLUMN latency_counts`);
  }
}
