import { DataSource } from 'typeorm';
import { streamDefinitions } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { DeadLetterRecorder, JetStreamPublisher, NatsClient, provisionStreams } from '@daalu/platform/jetstream';
import { Metrics } from '@daalu/platform/observability';
import { createTestDatabase, createTestNats, testLogger, type TestDatabase, type TestNats } from '@daalu/testing';
import { openProjectionDataSource, projectionDataSourceOptions, ProjectionRunner } from '../src';
import { CountingProjection, CreateCountingTables1700000000000 } from './counting-projection';
import { EventIngestedCodec } from '@daalu/contracts';

const SCHEMA = 'counting';

/** Real PostgreSQL database and NATS namespace for one suite, with a publisher and runner factory. */
export class ProjectionHarness {
  readonly logger = testLogger();
  readonly metrics = new Metrics('projection-test');
  readonly clients: NatsClient[] = [];
  readonly runners: ProjectionRunner<unknown>[] = [];
  client!: NatsClient;
  publisher!: JetStreamPublisher;
  dataSource!: DataSource;
  readonly dataSources: DataSource[] = [];

  private constructor(
    readonly db: TestDatabase,
    readonly nats: TestNats,
  ) {}

  static async start(label: string, natsUrl?: string): Promise<ProjectionHarness> {
    const harness = new ProjectionHarness(await createTestDatabase(label), await createTestNats(label, natsUrl));
    harness.client = await harness.connect();
    await provisionStreams(harness.client.jsm, streamDefinitions(harness.nats.namespace), harness.logger);
    harness.publisher = new JetStreamPublisher(harness.client.js);
    harness.dataSource = await harness.openDataSource();
    return harness;
  }

  async connect(): Promise<NatsClient> {
    const client = await NatsClient.connect({ servers: this.nats.url, name: 'projection-test', logger: this.logger });
    this.clients.push(client);
    return client;
  }

  async openDataSource(): Promise<DataSource> {
    const dataSource = await openProjectionDataSource({
      ...projectionDataSourceOptions({
        url: this.db.url,
        schema: SCHEMA,
        migrations: [CreateCountingTables1700000000000],
      }),
      url: this.db.url,
      schema: SCHEMA,
    });
    this.dataSources.push(dataSource);
    return dataSource;
  }

  projection(): CountingProjection {
    return new CountingProjection(this.nats.streams, this.nats.subjects);
  }

  /** A runner as an app replica would have: its own NATS connection and database pool when asked. */
  runner(
    projection = this.projection(),
    { client = this.client, dataSource = this.dataSource, batchSize = 50, stallAfterMs = 0 } = {},
  ): ProjectionRunner<unknown> {
    const runner = new ProjectionRunner(
      projection,
      client,
      dataSource,
      new DeadLetterRecorder(new JetStreamPublisher(client.js), this.nats.subjects, this.logger),
      this.metrics,
      this.logger,
      { databaseUrl: this.db.url, schema: SCHEMA, batchSize, lingerMs: 2, stallAfterMs },
    ) as ProjectionRunner<unknown>;
    this.runners.push(runner);
    return runner;
  }

  /** Publishes `count` events spread over `tenants`; returns their ids in publish order. */
  async publishEvents(count: number, tenants: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const tenantId = tenants[i % tenants.length];
      const event = anIngestedEvent(tenantId, { summary: `event ${i}` });
      await this.publisher.publish(this.nats.subjects.event(tenantId), EventIngestedCodec, event);
      ids.push(event.id);
    }
    return ids;
  }

  async appliedLog(): Promise<Array<{ seq: number; event_id: string }>> {
    const rows = await this.db.query<{ seq: string; event_id: string }>(
      `SELECT seq, event_id FROM ${SCHEMA}.applied_log ORDER BY applied_order`,
    );
    return rows.map((row) => ({ seq: Number(row.seq), event_id: row.event_id }));
  }

  async counters(): Promise<Record<string, number>> {
    const rows = await this.db.query<{ tenant_id: string; events: number }>(
      `SELECT tenant_id, events FROM ${SCHEMA}.tenant_counter ORDER BY tenant_id`,
    );
    return Object.fromEntries(rows.map((row) => [row.tenant_id, row.events]));
  }

  async checkpoint(name = 'counting'): Promise<number> {
    const rows = await this.db.query<{ last_sequence: string }>(
      `SELECT last_sequence FROM ${SCHEMA}.projection_checkpoint WHERE projection = $1`,
      [name],
    );
    return Number(rows[0]?.last_sequence ?? 0);
  }

  async stop(): Promise<void> {
    for (const runner of this.runners) await runner.stop();
    for (const client of this.clients) await client.drain();
    for (const dataSource of this.dataSources) await dataSource.destroy();
    await this.nats.cleanup();
    await this.db.drop();
  }
}
