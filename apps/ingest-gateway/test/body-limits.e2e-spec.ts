import { headers as natsHeaders } from '@nats-io/nats-core';
import { v7 as uuidv7 } from 'uuid';
import { configCodecFor, HEADER_KIND, HEADER_MSG_ID, userFactHeader } from '@daalu/contracts';
import { startPrivateNats } from '@daalu/testing';
import { GatewayHarness, PAGE_EXAMPLE, post, type CreatedTenant, type Gateway } from './gateway-harness';

type PrivateNats = Awaited<ReturnType<typeof startPrivateNats>>;

const MIB = 1024 * 1024;

/** An event whose JSON text is exactly `bytes` long (padded in a payload string). */
function envelopeOfSize(bytes: number): string {
  const empty = JSON.stringify({ ...PAGE_EXAMPLE, payload: { pad: '' } });
  const body = JSON.stringify({ ...PAGE_EXAMPLE, payload: { pad: 'x'.repeat(bytes - empty.length) } });
  expect(Buffer.byteLength(body)).toBe(bytes);
  return body;
}

/** A batch of one event whose JSON text is exactly `bytes` long. */
function batchOfSize(bytes: number): string {
  return `[${envelopeOfSize(bytes - 2)}]`;
}

/**
 * A small body whose fact is large: `1e20` is 4 bytes in the body and 21 once the number is written
 * out in the stored fact, so `count` of them make a fact about 4.4 times the body.
 */
function expandingEnvelope(count: number): string {
  return `{"type":"metrics.sampled","source":"probe","summary":"samples","payload":{"n":[${Array(count).fill('1e20').join(',')}]}}`;
}

/**
 * A gateway (limits raised, one tenant) on a nats-server of its own, for the describe block it is
 * called in; its fields are set once that block's beforeAll has run.
 */
function gatewayOnPrivateNats(label: string, nats: { maxPayload?: number } = {}) {
  const context = {} as { nats: PrivateNats; harness: GatewayHarness; gateway: Gateway; tenant: CreatedTenant };
  beforeAll(async () => {
    context.nats = await startPrivateNats(nats);
    context.harness = await GatewayHarness.create(label, context.nats.url);
    context.gateway = await context.harness.start({ DAALU_INGEST_RATE_PER_SECOND: '1000', DAALU_INGEST_BURST: '1000' });
    context.tenant = await context.harness.createTenant(context.gateway);
  });
  afterAll(async () => {
    await context.harness.stop();
    await context.nats.destroy();
  });
  return Object.assign(context, { withKey: () => ({ 'x-daalu-key': context.tenant.ingestKey }) });
}

/**
 * The gateway's exact body limit against a NATS set up as Daalu sets it up (max_payload 4 MiB), and
 * against one left at NATS's default (1 MiB), where the gateway lowers its limit instead of accepting
 * bodies the log would refuse. Each on a nats-server of its own.
 */
describe('the ingest body limit, against the NATS server’s max_payload', () => {
  describe('with max_payload at 4 MiB (deploy/nats/daalu.conf)', () => {
    const door = gatewayOnPrivateNats('bodylimit');
    const withKey = door.withKey;

    it('accepts a body of exactly 1 MiB, single and batch, and stores it whole', async () => {
      const single = await post(`${door.gateway.url}/api/v1/events`, envelopeOfSize(MIB), withKey());
      expect(single.status).toBe(202);
      const batch = await post(`${door.gateway.url}/api/v1/events/batch`, batchOfSize(MIB), withKey());
      expect(batch.status).toBe(202);
      expect(batch.body).toMatchObject({ accepted: 1, rejected: 0 });
      const stored = await door.harness.storedEvents();
      const ids = [single.body.id, (batch.body.items as Array<{ id: string }>)[0].id];
      for (const id of ids) {
        const fact = stored.find((event) => event.id === id) as { payload: { pad: string } } | undefined;
        expect(fact?.payload.pad.length).toBeGreaterThan(MIB - 300);
      }
    });

    it('answers 413 for one byte more, single and batch, naming the limit', async () => {
      const single = await post(`${door.gateway.url}/api/v1/events`, envelopeOfSize(MIB + 1), withKey());
      const batch = await post(`${door.gateway.url}/api/v1/events/batch`, batchOfSize(MIB + 1), withKey());
      for (const answer of [single, batch]) {
        expect(answer.status).toBe(413);
        expect(answer.body.detail).toBe('the body is larger than 1 MiB (1,048,576 bytes)');
      }
    });

    it('answers 413 (not 503) for an event whose stored fact would be over max_payload, and stores nothing', async () => {
      const before = (await door.harness.storedEvents()).length;
      const body = expandingEnvelope(200_000); // 1.0 MB here, about 4.4 MB stored
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MIB);
      const single = await post(`${door.gateway.url}/api/v1/events`, body, withKey());
      expect(single.status).toBe(413);
      expect(single.body).toMatchObject({ title: 'Payload too large' });
      expect(single.body.detail).toMatch(
        /cannot be stored: stored, it would be [\d,]+ bytes, over the event log's limit of 4,194,304 bytes/,
      );
      expect(single.headers.get('retry-after')).toBeNull();
      const batch = await post(`${door.gateway.url}/api/v1/events/batch`, `[${expandingEnvelope(199_000)}]`, withKey());
      expect(batch.status).toBe(207);
      expect(batch.body).toMatchObject({ accepted: 0, rejected: 1, items: [{ index: 0, status: 413 }] });
      expect((await door.harness.storedEvents()).length).toBe(before);
    });
  });

  describe('with NATS’s default max_payload of 1 MiB', () => {
    const door = gatewayOnPrivateNats('bodylimit1m', { maxPayload: MIB });
    const withKey = door.withKey;

    it('lowers its limit to what the server takes, and says so at start', () => {
      const warning = door.harness.logs.find((line) => line.includes('NATS max_payload is 1048576 bytes'));
      expect(warning).toBeDefined();
      expect(JSON.parse(warning!)).toMatchObject({ level: 'warn', maxPayload: MIB, bodyLimit: MIB - 8 * 1024 });
    });

    it('accepts a body at the lowered limit and answers 413 (never 503) one byte over it', async () => {
      const limit = MIB - 8 * 1024;
      const at = await post(`${door.gateway.url}/api/v1/events`, envelopeOfSize(limit), withKey());
      expect(at.status).toBe(202);
      const over = await post(`${door.gateway.url}/api/v1/events`, envelopeOfSize(limit + 1), withKey());
      expect(over.status).toBe(413);
      expect(over.body.detail).toBe('the body is larger than 1,040,384 bytes');
      const whole = await post(`${door.gateway.url}/api/v1/events`, envelopeOfSize(MIB), withKey());
      expect(whole.status).toBe(413);
    });

    it('answers 413 for a body under the limit whose fact the server would refuse', async () => {
      const body = expandingEnvelope(100_000); // 0.5 MB here, about 2.1 MB stored
      const answer = await post(`${door.gateway.url}/api/v1/events`, body, withKey());
      expect(answer.status).toBe(413);
      expect(answer.body.detail).toMatch(/over the event log's limit of 1,048,576 bytes/);
    });
  });

  describe('right after a start, while the key directory loads', () => {
    let harness: GatewayHarness;

    beforeAll(async () => {
      harness = await GatewayHarness.create('keyload');
    });

    afterAll(async () => {
      await harness.stop();
    });

    it('answers 503 + Retry-After for a key it has not loaded yet, never 401, and 202 once loaded', async () => {
      const first = await harness.start();
      // Many facts before the tenant's: a new gateway takes a while to reach its key.
      const { js, subjects } = harness.nats;
      const codec = configCodecFor('tenant.created');
      for (let round = 0; round < 20; round += 1) {
        await Promise.all(
          Array.from({ length: 1000 }, () => {
            const tenantId = uuidv7();
            const fact = {
              ...userFactHeader('tenant.created', tenantId, uuidv7()),
              occurredAt: new Date().toISOString(),
              name: 'filler',
            };
            const headers = natsHeaders();
            headers.set(HEADER_KIND, fact.kind);
            headers.set(HEADER_MSG_ID, fact.id);
            return js.publish(subjects.config(tenantId, 'tenant'), codec.encode(fact), { headers });
          }),
        );
      }
      const tenant = await harness.createTenant(first);
      await first.close();

      const second = await harness.start();
      const statuses: number[] = [];
      const retryAfters = new Set<string | null>();
      const readiness: number[] = [];
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const [ingest, detail, ready] = await Promise.all([
          post(`${second.url}/api/v1/events`, PAGE_EXAMPLE, { 'x-daalu-key': tenant.ingestKey }),
          fetch(`${second.url}/api/v1/ingest`, { headers: { authorization: `Bearer ${tenant.apiToken}` } }),
          fetch(`${second.url}/health/ready`),
        ]);
        statuses.push(ingest.status, detail.status);
        readiness.push(ready.status);
        if (ingest.status === 503) retryAfters.add(ingest.headers.get('retry-after'));
        if (detail.status === 503) retryAfters.add(detail.headers.get('retry-after'));
        if (ingest.status === 202 && detail.status === 200) break;
      }
      expect(statuses).not.toContain(401);
      expect(statuses[0]).toBe(503); // the tenant's facts are the last on the stream: not loaded at first
      expect(statuses.slice(-2)).toEqual([202, 200]);
      expect([...retryAfters]).toEqual(['1']);
      expect(readiness[0]).toBe(503);
      expect(readiness.at(-1)).toBe(200);
      // Loaded: an unknown key is a 401 again.
      const wrong = await post(`${second.url}/api/v1/events`, PAGE_EXAMPLE, { 'x-daalu-key': 'dik_not-a-key' });
      expect(wrong.status).toBe(401);
    });
  });
});
