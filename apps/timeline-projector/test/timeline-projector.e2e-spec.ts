import { EventIngestedCodec } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { JetStreamPublisher } from '@daalu/platform/jetstream';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import { eventually, freePort, startProcess, type AppProcess, type TestDatabase, type TestNats } from '@daalu/testing';

const SCRIPT = 'apps/timeline-projector/src/main.js';
const tenant = '0194f3a2-7c1e-7a00-8000-0000000000aa';

/** The timeline projector as operators run it: its own process, real NATS and PostgreSQL. */
describe('timeline-projector process', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let env: Record<string, string>;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('timeline_app'));
  });

  beforeEach(async () => {
    env = {
      ...appEnv(db, nats),
      PORT: String(await freePort()),
      LOG_LEVEL: 'info',
    };
  });

  afterEach(async () => {
    await app?.stop('SIGKILL');
    app = undefined;
  });

  afterAll(async () => {
    await nats.cleanup();
    await db.drop();
  });

  async function publish(count: number): Promise<string[]> {
    const publisher = new JetStreamPublisher(nats.js);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const event = anIngestedEvent(tenant, { summary: `event ${i}` });
      await publisher.publish(nats.subjects.event(tenant), EventIngestedCodec, event);
      ids.push(event.id);
    }
    return ids;
  }

  const rows = async () =>
    db
      .query<{ id: string }>(`SELECT id FROM timeline.timeline_entry ORDER BY stream_seq`)
      .then((r) => r.map((x) => x.id));

  it('refuses to start with an invalid setting, naming the variable, and exits non-zero', async () => {
    app = startProcess(SCRIPT, [], { ...env, NATS_URL: 'http://nats:4222', DAALU_EVENT_RETENTION_DAYS: '0' });
    expect(await app.exited).toBe(1);
    const output = app.lines.join('\n');
    expect(output).toMatch(/NATS_URL \("http:\/\/nats:4222"\): must be one or more nats:\/\//);
    expect(output).toMatch(/DAALU_EVENT_RETENTION_DAYS \("0"\)/);
  });

  it('migrates its schema, reports ready once caught up, projects events, and exposes metrics', async () => {
    const backlog = await publish(50);
    app = startProcess(SCRIPT, [], env);
    const base = `http://127.0.0.1:${env.PORT}`;
    await app.waitForLine(/timeline-projector listening/);
    await eventually(
      () => fetch(`${base}/health/ready`).then((r) => r.status),
      (s) => s === 200,
      { what: 'ready' },
    );
    expect(await rows()).toEqual(backlog); // ready means the backlog was applied

    expect(await fetch(`${base}/health/live`).then((r) => r.json())).toEqual({ status: 'live' });
    const live = await publish(10);
    await eventually(rows, (ids) => ids.length === 60, { what: 'live events projected' });
    expect(await rows()).toEqual([...backlog, ...live]);

    const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/daalu_consumer_lag_messages\{consumer="timeline-events",service="timeline-projector"\} 0/);
    expect(metrics).toMatch(
      /daalu_messages_handled_total\{consumer="timeline-events",outcome="applied",service="timeline-projector"\} \d+/,
    );
    expect(metrics).toMatch(/daalu_http_request_duration_seconds_count\{[^}]*route="\/health\/ready"/);

    expect(await app.stop('SIGTERM')).toBe(0);
    expect(app.lines.join('\n')).toMatch(/shut down cleanly/);
  });

  it('rebuild drops the projection and replays the log with progress output, reproducing the same rows', async () => {
    app = startProcess(SCRIPT, [], env);
    await app.waitForLine(/timeline-projector listening/);
    await publish(20);
    await eventually(rows, (ids) => ids.length >= 80, { what: 'all projected' });
    const before = await db.query(`SELECT * FROM timeline.timeline_entry ORDER BY stream_seq`);
    const indexes = () =>
      db
        .query<{ indexname: string }>(
          `SELECT indexname FROM pg_indexes WHERE schemaname = 'timeline' AND tablename = 'timeline_entry' ORDER BY 1`,
        )
        .then((rows) => rows.map((r) => r.indexname));
    const indexesBefore = await indexes();
    expect(indexesBefore.length).toBeGreaterThanOrEqual(8);
    await app.stop('SIGTERM');

    const rebuild = startProcess(SCRIPT, ['rebuild'], env);
    expect(await rebuild.exited).toBe(0);
    const output = rebuild.lines.join('\n');
    expect(output).toMatch(/rebuild timeline-events: dropping the projection and replaying the log/);
    expect(output).toMatch(/rebuild timeline-events: 80 \/ 80 messages \(100\.0%\)/);
    expect(output).toMatch(/rebuild timeline-events: log replayed; finishing/);
    expect(output).toMatch(/rebuild timeline-events: done in/);
    expect(await db.query(`SELECT * FROM timeline.timeline_entry ORDER BY stream_seq`)).toEqual(before);
    // The indexes the replay went without are all back, on every partition, and none is left deferred.
    expect(await indexes()).toEqual(indexesBefore);
    expect(await db.query(`SELECT * FROM timeline.deferred_index`)).toEqual([]);
    const invalid = await db.query(
      `SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'timeline' AND NOT i.indisvalid`,
    );
    expect(invalid).toEqual([]);
  });

  it('builds at start the indexes an interrupted rebuild left deferred', async () => {
    const [{ indexdef }] = await db.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'timeline' AND indexname = 'timeline_entry_source'`,
    );
    await db.query(`INSERT INTO timeline.deferred_index VALUES ('timeline_entry_source', 'timeline_entry', $1)`, [
      indexdef,
    ]);
    await db.query(`DROP INDEX timeline.timeline_entry_source`);

    app = startProcess(SCRIPT, [], env);
    await app.waitForLine(/timeline-projector listening/);
    expect(app.lines.join('\n')).toMatch(/restored indexes an unfinished rebuild had deferred/);
    const rows = await db.query(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'timeline' AND indexname = 'timeline_entry_source'`,
    );
    expect(rows).toHaveLength(1);
    expect(await db.query(`SELECT * FROM timeline.deferred_index`)).toEqual([]);
  });
});
