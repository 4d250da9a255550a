import { Client } from 'pg';
import { EventIngestedCodec } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { JetStreamPublisher } from '@daalu/platform/jetstream';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  eventually,
  freePort,
  startProcess,
  startReadyProcess,
  type AppProcess,
  type TestDatabase,
  type TestNats,
} from '@daalu/testing';

const SCRIPT = 'apps/timeline-projector/src/main.js';
const tenantA = '0194f3a2-7c1e-7a00-8000-0000000000a1';
const tenantB = '0194f3a2-7c1e-7a00-8000-0000000000b2';

/**
 * The timeline projector process, when one fact on the log is poison and when it stops doing its job:
 * the first costs only itself, the second turns it unready.
 */
describe('timeline-projector: a poison fact, and a stall', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let env: Record<string, string>;
  let base: string;
  let app: AppProcess;

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('timeline_poison'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = { ...appEnv(db, nats), PORT: String(port), DAALU_STALL_AFTER_S: '2' };
    app = await startReadyProcess(SCRIPT, env, base);
  });

  afterAll(async () => {
    await app.stop('SIGKILL');
    await nats.cleanup();
    await db.drop();
  });

  const publisher = () => new JetStreamPublisher(nats.js);
  const projected = async (id: string) =>
    (await db.query(`SELECT 1 FROM timeline.timeline_entry WHERE id = $1`, [id])).length === 1;

  async function command(...args: string[]): Promise<string> {
    const cli = startProcess(SCRIPT, ['dead-letters', ...args], env);
    expect(await cli.exited).toBe(0);
    return cli.lines.join('\n');
  }

  it("steps over a fact PostgreSQL refuses (a NUL that reached the log), and another tenant's event follows within 2 s", async () => {
    // Written straight to the log, past the gateway's checks: as an older version or another writer could.
    const poison = anIngestedEvent(tenantA, { payload: { k: 'v\u0000' } });
    await publisher().publish(nats.subjects.event(tenantA), EventIngestedCodec, poison);
    const next = anIngestedEvent(tenantB, { summary: 'after the poison' });
    const sentAt = Date.now();
    await publisher().publish(nats.subjects.event(tenantB), EventIngestedCodec, next);

    await eventually(() => projected(next.id), Boolean, { what: "tenant B's event projected", timeoutMs: 2000 });
    expect(Date.now() - sentAt).toBeLessThan(2000);
    expect(await projected(poison.id)).toBe(false);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(
      /daalu_messages_handled_total\{[^}]*consumer="timeline-events",outcome="dead_lettered"[^}]*\} 1/,
    );

    // The operator sees it, with the reason, and can discard it.
    const listed = await command('list', 'timeline-events');
    expect(listed).toMatch(/^\d+\ttimeline-events\t\S+#1\t\S+\t\S+\tcould not be applied: .*(Unicode|0x00|\\u0000)/m);
    const seq = listed.match(/^(\d+)\ttimeline-events/m)![1];
    expect(await command('discard', seq)).toMatch(`dead letter ${seq} discarded`);
    expect(await command('list', 'timeline-events')).not.toMatch(/^\d+\ttimeline-events/m);
  });

  it('turns unready while events wait and it cannot apply them, and ready again when it can', async () => {
    const blocker = new Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE timeline.timeline_entry IN ACCESS EXCLUSIVE MODE');
      const waiting = anIngestedEvent(tenantB, { summary: 'waits behind the lock' });
      await publisher().publish(nats.subjects.event(tenantB), EventIngestedCodec, waiting);

      const unready = await eventually(
        () =>
          fetch(`${base}/health/ready`).then(async (r) => ({
            status: r.status,
            body: (await r.json()) as { checks: Record<string, { detail?: string }> },
          })),
        (r) => r.status === 503,
        { what: 'not ready', timeoutMs: 10_000 },
      );
      expect(unready.body.checks.projections.detail).toMatch(/timeline-events: stalled/);
      const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/daalu_consumer_stalled\{[^}]*consumer="timeline-events"[^}]*\} 1/);

      await blocker.query('ROLLBACK');
      await eventually(() => projected(waiting.id), Boolean, { what: 'applied after the lock' });
      await eventually(
        () => fetch(`${base}/health/ready`).then((r) => r.status),
        (s) => s === 200,
        { what: 'ready again', timeoutMs: 10_000 },
      );
    } finally {
      await blocker.end();
    }
  });
});
