import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { EventIngestedCodec, type EventIngested, type StreamNames, type Subjects } from '@daalu/contracts';
import type { Projection, Sequenced } from '../src';

/**
 * A projection made to expose mistakes: a per-tenant counter (applying a message twice would count it
 * twice) and an append-only log of what was applied in which order (out-of-order application shows).
 */
export class CountingProjection implements Projection<EventIngested> {
  readonly name = 'counting';
  readonly stream: string;
  readonly filterSubject: string;
  /** Stream sequences whose first application fails (a transient error), to exercise recovery. */
  readonly failOnceAt = new Set<number>();
  /** Stream sequences PostgreSQL refuses every time (a NUL in text): poison. */
  readonly poisonAt = new Set<number>();
  /** Stream sequences whose first application meets an infrastructure error (PostgreSQL restarting). */
  readonly failTransientlyAt = new Set<number>();
  /** Extra time each batch takes, to make the projection lag behind a producer. */
  applyDelayMs = 0;

  constructor(streams: StreamNames, subjects: Subjects) {
    this.stream = streams.events;
    this.filterSubject = subjects.allEvents;
  }

  decode(msg: JsMsg): EventIngested {
    return EventIngestedCodec.decode(msg.data);
  }

  async apply(batch: Sequenced<EventIngested>[], manager: EntityManager): Promise<void> {
    if (this.applyDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.applyDelayMs));
    for (const { seq, message } of batch) {
      if (this.failOnceAt.delete(seq)) throw new Error(`injected failure at sequence ${seq}`);
      if (this.failTransientlyAt.delete(seq))
        throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
      if (this.poisonAt.has(seq))
        await manager.query(`INSERT INTO applied_log (seq, event_id, tenant_id) VALUES ($1, $2, $3)`, [
          seq,
          message.id,
          `${message.tenantId}\u0000`,
        ]);
      await manager.query(`INSERT INTO applied_log (seq, event_id, tenant_id) VALUES ($1, $2, $3)`, [
        seq,
        message.id,
        message.tenantId,
      ]);
      await manager.query(
        `INSERT INTO tenant_counter (tenant_id, events) VALUES ($1, 1)
         ON CONFLICT (tenant_id) DO UPDATE SET events = tenant_counter.events + 1`,
        [message.tenantId],
      );
    }
  }

  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE applied_log, tenant_counter RESTART IDENTITY`);
  }
}

export class CreateCountingTables1700000000000 implements MigrationInterface {
  name = 'CreateCountingTables1700000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE applied_log (
      applied_order bigserial PRIMARY KEY, seq bigint NOT NULL, event_id uuid NOT NULL, tenant_id uuid NOT NULL)`);
    await queryRunner.query(`CREATE TABLE tenant_counter (tenant_id uuid PRIMARY KEY, events int NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE applied_log, tenant_counter`);
  }
}
