import { EventIngestedCodec, type EventIngested } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { JetStreamPublisher } from '@daalu/platform/jetstream';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  type AppProcess,
  aTenantWithApiToken,
  eventually,
  freePort,
  startProcess,
  type TestDatabase,
  type TestNats,
} from '@daalu/testing';
import { closeReceivers, receiver } from './loopback-receiver';

const DISPATCHER = 'apps/outbound-dispatcher/src/main.js';
const EVALUATOR = 'apps/rule-evaluator/src/main.js';

type Errors = Array<{ field: string; message: string }>;

/** An app process once it answers ready; if it never does, the error carries its last lines of output. */
async function startReady(script: string, env: Record<string, string>, base: string): Promise<AppProcess> {
  const app = startProcess(script, [], env);
  try {
    await eventually(
      () =>
        fetch(`${base}/health/ready`).then(
          (r) => r.status,
          () => 0,
        ),
      (status) => status === 200,
      { timeoutMs: 60_000, what: `${script} ready` },
    );
    return app;
  } catch (error) {
    await app.stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n${app.lines.slice(-30).join('\n')}`);
  }
}

/**
 * Payload conditions in webhook triggers (`trigger.events.payload`), end to end over real NATS and
 * PostgreSQL: the dispatcher sends a webhook only the events whose payload holds every condition, and
 * refuses a bad condition exactly as the alert rules API (the rule evaluator, run alongside) refuses it
 * in `match.payload`: one condition language, one matcher, one validation.
 */
describe('webhook trigger payload conditions', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let dispatcher: AppProcess;
  let evaluator: AppProcess;
  let webhooksBase: string;
  let rulesBase: string;
  let publisher: JetStreamPublisher;
  let tenant: { id: string; auth: { authorization: string } };

  async function call(base: string, method: string, path: string, body?: unknown) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...tenant.auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async function webhook(url: string, events: object): Promise<{ id: string; version: number }> {
    const created = await call(webhooksBase, 'POST', '/api/v1/webhooks', { url, trigger: { events } });
    expect(created).toMatchObject({ status: 201, body: { trigger: { events } } });
    return created.body;
  }

  async function sendEvent(type: string, payload: unknown): Promise<EventIngested> {
    const event = anIngestedEvent(tenant.id, {
      type,
      receivedAt: new Date().toISOString(),
      payload: payload as EventIngested['payload'],
    });
    await publisher.publish(nats.subjects.event(tenant.id), EventIngestedCodec, event);
    return event;
  }

  const factIds = (received: Array<{ body: string }>) =>
    received.map((r) => (JSON.parse(r.body) as { data: { id: string } }).data.id);

  async function historyOf(webhookId: string) {
    const response = await call(webhooksBase, 'GET', `/api/v1/webhooks/${webhookId}/deliveries`);
    expect(response.status).toBe(200);
    return response.body.items as Array<{ factId: string; factKind: string; state: string }>;
  }

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('outbound_conditions'));
    publisher = new JetStreamPublisher(nats.js);
    tenant = await aTenantWithApiToken(nats);
    const [dispatcherPort, evaluatorPort] = [await freePort(), await freePort()];
    webhooksBase = `http://127.0.0.1:${dispatcherPort}`;
    rulesBase = `http://127.0.0.1:${evaluatorPort}`;
    dispatcher = await startReady(
      DISPATCHER,
      {
        ...appEnv(db, nats),
        PORT: String(dispatcherPort),
        DAALU_SECRET_KEY: 'cd'.repeat(32),
        DAALU_OUTBOUND_ALLOW: '127.0.0.0/8',
      },
      webhooksBase,
    );
    // The rules API, to answer the same bad conditions in a rule's match.
    evaluator = await startReady(EVALUATOR, { ...appEnv(db, nats), PORT: String(evaluatorPort) }, rulesBase);
  }, 150_000);

  afterAll(async () => {
    closeReceivers();
    await Promise.all([dispatcher?.stop('SIGTERM'), evaluator?.stop('SIGTERM')]);
    await nats?.cleanup();
    await db?.drop();
  });

  it('sends only the events whose payload holds every condition (eq, in, gt, exists), in the history too', async () => {
    const targets = { prod: await receiver(), inEu: await receiver(), big: await receiver(), signed: await receiver() };
    const hooks = {
      prod: await webhook(targets.prod.url, {
        type: 'deploy.*',
        payload: [{ field: 'payload.env', op: 'eq', value: 'prod' }],
      }),
      inEu: await webhook(targets.inEu.url, { payload: [{ field: 'region', op: 'in', value: ['eu-1', 'eu-2'] }] }),
      big: await webhook(targets.big.url, { payload: [{ field: 'scale.replicas', op: 'gt', value: 3 }] }),
      signed: await webhook(targets.signed.url, {
        type: 'deploy.*',
        payload: [
          { field: 'sha', op: 'exists' },
          { field: 'env', op: 'neq', value: 'dev' },
        ],
      }),
    };

    const prodDeploy = await sendEvent('deploy.finished', { env: 'prod', service: 'api', sha: 'a1b2' });
    await sendEvent('deploy.finished', { env: 'staging', service: 'api', region: 'us-1' }); // none
    await sendEvent('build.finished', { env: 'prod', sha: 'c3' }); // not a deploy: none of the deploy.* hooks
    await sendEvent('deploy.finished', { env: { name: 'prod' } }); // an object is not "prod"
    const euEvent = await sendEvent('check.failed', { region: 'eu-2', scale: { replicas: '4' } });
    await sendEvent('check.failed', { region: 'EU-1', scale: { replicas: 3 } }); // exact, and 3 is not > 3
    await sendEvent('deploy.finished', { env: 'dev', sha: 'd4' }); // neq dev fails
    await sendEvent('deploy.finished', { env: 'qa', sha: null }); // null does not exist
    // Payloads no condition can hold: a NUL, deep nesting, arrays, big text. Nothing throws; nothing fires.
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 2_000; i++) deep = { env: deep };
    await sendEvent('deploy.finished', { env: 'pr\u0000od', region: ['eu-1'], scale: deep, blob: 'x'.repeat(200_000) });
    await sendEvent('deploy.finished', { tags: [{ env: 'prod' }], scale: { replicas: 'lots' } });
    // A sentinel every webhook takes, last: once each receiver has it, the fan-out is past the others.
    const sentinel = await sendEvent('deploy.started', {
      env: 'prod',
      region: 'eu-1',
      scale: { replicas: 5 },
      sha: 'e5',
    });

    for (const name of Object.keys(targets) as Array<keyof typeof targets>) {
      await eventually(
        () => factIds(targets[name].received),
        (ids) => ids.includes(sentinel.id),
        { what: `the ${name} sentinel` },
      );
    }
    await new Promise((r) => setTimeout(r, 300)); // a delivery still in flight would show by now

    const expected = {
      prod: [prodDeploy.id, sentinel.id],
      inEu: [euEvent.id, sentinel.id],
      big: [euEvent.id, sentinel.id],
      signed: [prodDeploy.id, sentinel.id],
    };
    for (const name of Object.keys(targets) as Array<keyof typeof targets>) {
      expect({ name, ids: factIds(targets[name].received).sort() }).toEqual({ name, ids: expected[name].sort() });
      const history = await eventually(
        () => historyOf(hooks[name].id),
        (items) => items.length === expected[name].length && items.every((item) => item.state === 'delivered'),
        { what: `${name}: the history` },
      );
      expect(history.map((item) => item.factId).sort()).toEqual(expected[name].sort());
    }
    const prodBody = JSON.parse(targets.prod.received.find((r) => r.body.includes(prodDeploy.id))!.body);
    expect(prodBody).toMatchObject({ type: 'event.ingested', data: { id: prodDeploy.id, payload: { env: 'prod' } } });
  });

  it('judges a replaced webhook by its new conditions from then on', async () => {
    const target = await receiver();
    const hook = await webhook(target.url, { type: 'deploy.*', payload: [{ field: 'env', op: 'eq', value: 'prod' }] });
    const first = await sendEvent('deploy.finished', { env: 'prod' });
    await eventually(
      () => factIds(target.received),
      (ids) => ids.includes(first.id),
      { what: 'the prod deploy' },
    );
    const replaced = await call(webhooksBase, 'PUT', `/api/v1/webhooks/${hook.id}`, {
      url: target.url,
      trigger: { events: { type: 'deploy.*', payload: [{ field: 'env', op: 'in', value: ['staging', 'qa'] }] } },
    });
    expect(replaced).toMatchObject({ status: 200, body: { version: hook.version + 1 } });
    await sendEvent('deploy.finished', { env: 'prod' }); // no longer
    const staging = await sendEvent('deploy.finished', { env: 'staging' });
    await eventually(
      () => factIds(target.received),
      (ids) => ids.includes(staging.id),
      { what: 'the staging deploy' },
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(factIds(target.received)).toEqual([first.id, staging.id]);
  });

  it('refuses a bad condition with 400 naming the field, for the same reasons as the alert rules API', async () => {
    const good = { field: 'env', op: 'eq', value: 'prod' };
    const cases: Array<{ payload: unknown; webhook: unknown }> = [
      {
        payload: [{ field: 'env', op: 'gt', value: 'five' }],
        webhook: [{ field: 'trigger.events.payload.0.value', message: 'gt takes a number' }],
      },
      {
        payload: [good, { field: 'env', op: 'in', value: [] }],
        webhook: [
          {
            field: 'trigger.events.payload.1.value',
            message: 'in takes an array of 1 to 100 strings (at most 256 characters), numbers or booleans',
          },
        ],
      },
      {
        payload: [{ field: 'env', op: 'exists', value: true }],
        webhook: [{ field: 'trigger.events.payload.0.value', message: 'exists takes no value' }],
      },
      {
        payload: [{ field: 'env', op: 'eq', value: { name: 'prod' } }],
        webhook: [
          {
            field: 'trigger.events.payload.0.value',
            message: 'eq takes a string (at most 256 characters), number or boolean',
          },
        ],
      },
      {
        payload: [{ field: 'env', op: 'neq', value: 'x'.repeat(257) }],
        webhook: [
          {
            field: 'trigger.events.payload.0.value',
            message: 'neq takes a string (at most 256 characters), number or boolean',
          },
        ],
      },
      {
        payload: [{ field: 'a.b.c.d.e.f.g.h.i', op: 'exists' }],
        webhook: [
          {
            field: 'trigger.events.payload.0.field',
            message: 'field must be a payload path: names of letters, digits, _ and -, joined by dots',
          },
        ],
      },
      {
        payload: [{ field: 'a b', op: 'like', value: 1 }],
        webhook: [
          {
            field: 'trigger.events.payload.0.field',
            message: 'field must be a payload path: names of letters, digits, _ and -, joined by dots',
          },
          { field: 'trigger.events.payload.0.op', message: 'op must be one of eq, neq, in, gt, gte, lt, lte, exists' },
        ],
      },
      {
        payload: Array.from({ length: 21 }, () => good),
        webhook: [{ field: 'trigger.events.payload', message: expect.stringMatching(/20/) }],
      },
      {
        payload: [{ ...good, extra: 1 }],
        webhook: [{ field: 'trigger.events.payload.0.extra', message: expect.stringMatching(/should not exist/) }],
      },
      {
        payload: 'env=prod',
        webhook: expect.arrayContaining([expect.objectContaining({ field: 'trigger.events.payload' })]),
      },
      {
        payload: [{ field: 'env', op: 'eq', value: 'pr\u0000od' }],
        webhook: [{ field: 'trigger.events.payload[0].value', message: 'must not contain a NUL character (\\u0000)' }],
      },
      {
        payload: [{ field: 'env', op: 'in', value: ['prod', 'x\udfff'] }],
        webhook: [{ field: 'trigger.events.payload[0].value[1]', message: expect.stringMatching(/lone surrogate/) }],
      },
    ];
    const before = (await call(webhooksBase, 'GET', '/api/v1/webhooks')).body.items.length;
    for (const { payload, webhook: expected } of cases) {
      const asWebhook = await call(webhooksBase, 'POST', '/api/v1/webhooks', {
        url: 'http://127.0.0.1:9/hook',
        trigger: { events: { type: 'deploy.*', payload } },
      });
      const asRule = await call(rulesBase, 'POST', '/api/v1/alert-rules', {
        name: 'deploys',
        kind: 'match',
        match: { type: 'deploy.*', payload },
        alert: { severity: 'info', summary: 'deployed' },
      });
      expect({ payload, status: asWebhook.status, errors: asWebhook.body.errors }).toEqual({
        payload,
        status: 400,
        errors: expected,
      });
      // The rules API says the same of the same condition, under its own name for the list.
      const renamed = (asRule.body.errors as Errors).map(({ field, message }) => ({
        field: field.replace(/^match\./, 'trigger.events.'),
        message,
      }));
      expect({ payload, status: asRule.status, errors: renamed }).toEqual({
        payload,
        status: 400,
        errors: asWebhook.body.errors,
      });
    }
    expect((await call(webhooksBase, 'GET', '/api/v1/webhooks')).body.items.length).toBe(before);
  });
});
