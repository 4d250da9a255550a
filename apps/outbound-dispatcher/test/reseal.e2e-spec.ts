import { createHash } from 'node:crypto';
import { decodeConfigFact, EventIngestedCodec, type ConfigFact, type WebhookResealed } from '@daalu/contracts';
import { anIngestedEvent } from '@daalu/contracts/testing';
import { JetStreamPublisher, NatsClient } from '@daalu/platform/jetstream';
import { Readiness } from '@daalu/platform/observability';
import { daaluSignature, SecretBox } from '@daalu/outbound/domain';
import { SecretResealer, WebhookDirectory, type OutboundOptions, type StoredWebhook } from '@daalu/outbound/feature';
import { appEnv, appTestServices } from '@daalu/platform/jetstream/testing';
import {
  type AppProcess,
  aTenantWithApiToken,
  eventually,
  freePort,
  startProcess,
  startReadyProcess,
  type TestDatabase,
  testLogger,
  type TestNats,
} from '@daalu/testing';
import { closeReceivers, receiver } from './loopback-receiver';

const SCRIPT = 'apps/outbound-dispatcher/src/main.js';
const KEY_A = 'a1'.repeat(32);
const KEY_B = 'b2'.repeat(32);
const KEY_C = 'c3'.repeat(32);
const AUTHORIZATION = 'Bearer to-the-ticket-system';
const TEAM = 'blue-team-credential';

/** A key's fingerprint as sealed values name it (computed here, not by the code under test). */
const fingerprint = (hexKey: string) =>
  createHash('sha256').update(Buffer.from(hexKey, 'hex')).digest('base64url').slice(0, 8);

interface CreatedWebhook {
  id: string;
  secret: string;
}

/** After a change of DAALU_SECRET_KEY, `main.js reseal` moves values in use to it, so the old key can go. */
describe('reseal', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let env: Record<string, string>;
  let tenant: { id: string; auth: { authorization: string } };
  let base: string;
  let port: number;

  const api = async (method: string, path: string, body?: object) => {
    const response = await fetch(`${base}/api/v1/webhooks${path}`, {
      method,
      headers: body ? { ...tenant.auth, 'content-type': 'application/json' } : tenant.auth,
      body: body && JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as Record<string, unknown> };
  };

  const start = (keys: Record<string, string>): Promise<AppProcess> =>
    startReadyProcess(SCRIPT, { ...env, ...keys, PORT: String(port) }, base);

  /** Runs `main.js reseal` to its end: exit code and output. */
  const reseal = async (keys: Record<string, string>, args: string[] = []) => {
    const run = startProcess(SCRIPT, ['reseal', ...args], { ...env, ...keys });
    const code = await run.exited;
    return { code, output: run.lines.join('\n') };
  };

  /** Every fact on the CONFIG stream of this suite, decoded. */
  async function configFacts(): Promise<Array<{ seq: number; fact: ConfigFact }>> {
    const info = await nats.jsm.streams.info(nats.streams.config);
    const consumer = await nats.js.consumers.get(nats.streams.config);
    const facts: Array<{ seq: number; fact: ConfigFact }> = [];
    for await (const msg of await consumer.fetch({ max_messages: info.state.messages, expires: 2000 })) {
      const fact = decodeConfigFact(msg.headers, msg.data);
      if (fact) facts.push({ seq: msg.seq, fact });
      if (msg.seq >= info.state.last_seq) break;
    }
    return facts;
  }

  const lastSequence = async () => (await nats.jsm.streams.info(nats.streams.config)).state.last_seq;

  beforeAll(async () => {
    ({ db, nats } = await appTestServices('outbound_reseal'));
    tenant = await aTenantWithApiToken(nats);
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      ...appEnv(db, nats),
      DAALU_OUTBOUND_ALLOW: '127.0.0.0/8',
    };
  }, 60_000);

  afterAll(async () => {
    closeReceivers();
    await nats?.cleanup();
    await db?.drop();
  });

  it('re-seals headers and secrets in use with the new key; with the old key gone deliveries are signed and sent as before', async () => {
    const withHeaders = await receiver([200]);
    const rotated = await receiver([200]);

    // Under key A: a webhook with custom headers, one whose secret was rotated (the old one in its grace
    // period), and a deleted one (nothing of it is in use).
    let app = await start({ DAALU_SECRET_KEY: KEY_A });
    let first: CreatedWebhook;
    let second: CreatedWebhook;
    let rotatedSecret: string;
    let secondBefore: Record<string, unknown>;
    try {
      const created = await api('POST', '', {
        url: withHeaders.url,
        trigger: { events: { type: 'deploy.*' } },
        headers: { Authorization: AUTHORIZATION, 'X-Team': TEAM },
      });
      expect(created.status).toBe(201);
      first = created.body as unknown as CreatedWebhook;
      const plain = await api('POST', '', { url: rotated.url, trigger: { events: { type: 'deploy.*' } } });
      second = plain.body as unknown as CreatedWebhook;
      const rotation = await api('POST', `/${second.id}/rotate-secret`);
      expect(rotation.status).toBe(200);
      rotatedSecret = rotation.body.secret as string;
      secondBefore = (await api('GET', `/${second.id}`)).body;
      const gone = await api('POST', '', { url: rotated.url, trigger: { events: {} }, headers: { 'X-Gone': 'x' } });
      expect((await api('DELETE', `/${(gone.body as { id: string }).id}`)).status).toBe(204);
    } finally {
      await app.stop();
    }

    // Switched to key B, A still opening old values; a webhook created now is sealed with B already.
    const switched = { DAALU_SECRET_KEY: KEY_B, DAALU_SECRET_KEYS_PREVIOUS: KEY_A };
    app = await start(switched);
    try {
      const fresh = await api('POST', '', {
        url: rotated.url,
        trigger: { alerts: { states: ['fired'] } },
        headers: { Authorization: 'Bearer fresh' },
      });
      expect(fresh.status).toBe(201);

      const sequenceBefore = await lastSequence();
      const dry = await reseal(switched, ['--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.output).toContain(
        `3 webhook(s) checked; 5 value(s) in 2 webhook(s) would be re-sealed with key ${fingerprint(KEY_B)}`,
      );
      expect(dry.output).toContain(`sealed with key ${fingerprint(KEY_A)}: 5 value(s)`);
      expect(dry.output).not.toContain('nothing sealed with another key remains');
      expect(await lastSequence()).toBe(sequenceBefore);

      const run = await reseal(switched);
      expect(run.code).toBe(0);
      expect(run.output).toContain(
        `3 webhook(s) checked; 5 value(s) in 2 webhook(s) re-sealed with key ${fingerprint(KEY_B)}`,
      );
      expect(run.output).toContain(`sealed with key ${fingerprint(KEY_A)}: 5 value(s)`);
      expect(run.output).toContain('nothing sealed with another key remains');
      for (const plain of [AUTHORIZATION, TEAM, first.secret, second.secret, rotatedSecret]) {
        expect(run.output).not.toContain(plain);
        expect(dry.output).not.toContain(plain);
      }

      // One fact per affected webhook, every seal naming key B; the secrets by the ids they were issued with.
      const facts = await configFacts();
      const resealed = facts.map(({ fact }) => fact).filter((f): f is WebhookResealed => f.kind === 'webhook.resealed');
      expect(resealed.map((fact) => fact.webhookId).sort()).toEqual([first.id, second.id].sort());
      const issued = (webhookId: string) =>
        facts
          .map(({ fact }) => fact)
          .filter((f) => f.kind === 'webhook.secret-issued' && f.webhookId === webhookId)
          .map((f) => (f as { secretId: string }).secretId);
      const ofFirst = resealed.find((fact) => fact.webhookId === first.id)!;
      expect(Object.keys(ofFirst.sealedHeaders ?? {}).sort()).toEqual(['Authorization', 'X-Team']);
      expect(ofFirst.secrets.map((s) => s.secretId)).toEqual(issued(first.id));
      const ofSecond = resealed.find((fact) => fact.webhookId === second.id)!;
      expect(ofSecond.sealedHeaders).toBeUndefined();
      expect(ofSecond.secrets.map((s) => s.secretId).sort()).toEqual(issued(second.id).sort());
      const seals = [
        ...Object.values(ofFirst.sealedHeaders!),
        ...[ofFirst, ofSecond].flatMap((f) => f.secrets.map((s) => s.sealedSecret)),
      ];
      expect(seals).toHaveLength(5);
      for (const seal of seals) expect(seal.startsWith(`v1.${fingerprint(KEY_B)}.`)).toBe(true);

      // A second run finds nothing left and publishes nothing.
      const sequenceAfter = await lastSequence();
      const again = await reseal(switched);
      expect(again.code).toBe(0);
      expect(again.output).toContain('3 webhook(s) checked; 0 value(s) in 0 webhook(s) re-sealed');
      expect(again.output).toContain('nothing sealed with another key remains');
      expect(await lastSequence()).toBe(sequenceAfter);
    } finally {
      await app.stop();
    }

    // Key A removed: the same secrets sign (the rotated-out one still in its grace period, with the same
    // expiry), and the custom header values are sent as they were given.
    app = await start({ DAALU_SECRET_KEY: KEY_B });
    try {
      const secondAfter = (await api('GET', `/${second.id}`)).body;
      expect(secondAfter.secrets).toEqual(secondBefore.secrets);
      expect(secondAfter.version).toBe(secondBefore.version);
      expect((await api('GET', `/${first.id}`)).body.headers).toEqual({ Authorization: '••••••', 'X-Team': '••••••' });

      await new JetStreamPublisher(nats.js).publish(
        nats.subjects.event(tenant.id),
        EventIngestedCodec,
        anIngestedEvent(tenant.id, { type: 'deploy.finished', receivedAt: new Date().toISOString() }),
      );
      const [toFirst] = await eventually(
        () => withHeaders.received,
        (received) => received.length === 1,
        { what: 'the delivery to the webhook with headers', timeoutMs: 15_000 },
      );
      expect(toFirst.headers.authorization).toBe(AUTHORIZATION);
      expect(toFirst.headers['x-team']).toBe(TEAM);
      expect(toFirst.headers['x-daalu-signature']).toBe(daaluSignature(first.secret, toFirst.raw));
      const [toSecond] = await eventually(
        () => rotated.received,
        (received) => received.length === 1,
        { what: 'the delivery to the webhook whose secret was rotated', timeoutMs: 15_000 },
      );
      expect(toSecond.headers['x-daalu-signature']).toBe(daaluSignature(second.secret, toSecond.raw));
      expect(toSecond.headers['x-daalu-signature-next']).toBe(daaluSignature(rotatedSecret, toSecond.raw));
    } finally {
      await app.stop();
    }
  }, 120_000);

  it('names the keys it is missing and exits 1, publishing nothing; refuses unknown arguments', async () => {
    // Everything is sealed with B now; a switch to C without B in PREVIOUS cannot open any of it.
    const before = await lastSequence();
    const run = await reseal({ DAALU_SECRET_KEY: KEY_C });
    expect(run.code).toBe(1);
    expect(run.output).toContain(`could not be opened, sealed with key(s) ${fingerprint(KEY_B)}`);
    expect(run.output).toContain('DAALU_SECRET_KEYS_PREVIOUS');
    expect(run.output).not.toContain('nothing sealed with another key remains');
    expect(await lastSequence()).toBe(before);

    const bad = await reseal({ DAALU_SECRET_KEY: KEY_C }, ['--force']);
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('unknown argument(s) --force');
  }, 60_000);
  it('a tenant change between the reading and the re-seal wins: the webhook is read again, its new headers re-sealed', async () => {
    // The dispatcher's API under key B; the resealer in this process under C (B still opening).
    const app = await start({ DAALU_SECRET_KEY: KEY_B });
    const client = await NatsClient.connect({ servers: nats.url, name: 'reseal-test', logger: testLogger() });
    /** A directory that hands the resealer one stale copy of a webhook, as if the tenant wrote in between. */
    class StaleOnceDirectory extends WebhookDirectory {
      stale?: StoredWebhook;
      override get(tenantId: string, webhookId: string): StoredWebhook | undefined {
        const stale = this.stale?.id === webhookId ? this.stale : undefined;
        if (stale) this.stale = undefined;
        return stale ?? super.get(tenantId, webhookId);
      }
    }
    const directory = new StaleOnceDirectory(client, nats.streams, testLogger(), new Readiness());
    try {
      const created = await api('POST', '', {
        url: 'http://127.0.0.1:9/hook',
        trigger: { events: { type: 'deploy.*' } },
        headers: { Authorization: 'Bearer before' },
      });
      expect(created.status).toBe(201);
      const id = (created.body as { id: string }).id;
      await directory.onApplicationBootstrap();
      await directory.untilCaughtUp();
      const before = structuredClone(directory.get(tenant.id, id)!);
      expect(
        (
          await api('PUT', `/${id}`, {
            url: 'http://127.0.0.1:9/hook',
            trigger: { events: {} },
            headers: { Authorization: 'Bearer after' },
          })
        ).status,
      ).toBe(200);
      const changedAt = await lastSequence();
      await directory.waitFor(changedAt);
      directory.stale = before;

      const options: OutboundOptions = {
        secretKeys: [KEY_C, KEY_B],
        allow: [],
        keyGraceSeconds: 86_400,
        deliveryTimeoutMs: 1000,
        ratePerUrl: 50,
        maxAckPending: 20_000,
        disableAfterMs: 5 * 86_400_000,
      };
      const lines: string[] = [];
      const resealer = new SecretResealer(
        directory,
        new JetStreamPublisher(client.js),
        client,
        nats.streams,
        nats.subjects,
        options,
      );
      const report = await resealer.run({ dryRun: false, progress: (line) => lines.push(line) });
      expect(lines.join('\n')).toContain(`webhook ${id} (tenant ${tenant.id}) changed meanwhile; reading it again`);
      expect(report.unopened).toEqual([]);
      expect(report.contended).toEqual([]);

      // One re-seal of it, made from the tenant's new headers, not the stale ones.
      const ofIt = (await configFacts()).filter(
        ({ fact }) => fact.kind === 'webhook.resealed' && fact.webhookId === id,
      );
      expect(ofIt).toHaveLength(1);
      expect(ofIt[0].seq).toBeGreaterThan(changedAt);
      const sealed = (ofIt[0].fact as WebhookResealed).sealedHeaders!.Authorization;
      expect(sealed.startsWith(`v1.${fingerprint(KEY_C)}.`)).toBe(true);
      expect(new SecretBox([KEY_C]).open(sealed)).toBe('Bearer after');
      expect(directory.get(tenant.id, id)!.version).toBe(2);
    } finally {
      await directory.onModuleDestroy();
      await client.drain();
      await app.stop();
    }
  }, 60_000);
});
