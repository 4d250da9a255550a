import type { JsMsg } from '@nats-io/jetstream';
import { v7 as uuidv7 } from 'uuid';
import { DeliveryRequestedCodec, type DeliveryRequested } from '@daalu/contracts';
import type { AttemptToRecord, DeliveryJournal, DeliveryProgress } from '@daalu/outbound/data-access';
import { maxHandOuts, type RetrySchedule, type SecretBox } from '@daalu/outbound/domain';
import type { Logger } from '@daalu/platform/observability';
import type { GossipRateLimiter } from '@daalu/platform/rate-limit';
import type { StoredWebhook, WebhookDirectory } from '../webhooks/webhook-directory';
import type { DeliveryMetrics } from './delivery-metrics';
import { DeliveryWorker } from './delivery-worker';
import type { AttemptOutcome, HttpSender } from './http-sender';

const SCHEDULE: RetrySchedule = { baseMs: 100, windowMs: 60_000, maxStepMs: 10_000 };

/** The worker over fakes: what it sends, records and decides for one message. */
function setup(
  options: { template?: Record<string, unknown>; progress?: DeliveryProgress | null; loading?: boolean } = {},
) {
  const tenantId = uuidv7();
  const webhook: StoredWebhook = {
    id: uuidv7(),
    tenantId,
    version: 1,
    spec: {
      url: 'http://127.0.0.1:9/hook',
      description: '',
      trigger: { events: {} },
      enabled: true,
      ...(options.template ? { template: { fields: options.template } } : {}),
    },
    sealedHeaders: {},
    secrets: [{ id: uuidv7(), sealed: `whsec_${'a'.repeat(43)}=`, issuedAt: '', expiresAt: null }],
    createdAt: '',
    createdAtMs: 0,
    updatedAt: '',
    sequence: 1,
  };
  const directory = {
    caughtUp: options.loading !== true,
    get: () => webhook,
    signingSecrets: () => webhook.secrets,
  } as unknown as WebhookDirectory;
  const outcome: AttemptOutcome = {
    delivered: true,
    status: 200,
    headers: {},
    body: 'ok',
    error: null,
    retryAfter: undefined,
    durationMs: 1,
  };
  const send = jest.fn(async (): Promise<AttemptOutcome> => outcome);
  const recorded: AttemptToRecord[] = [];
  const refuse: Array<(attempt: AttemptToRecord) => unknown> = [];
  const journal = {
    progress: async () => options.progress ?? null,
    batchFacts: async () => [],
    record: async (attempt: AttemptToRecord) => {
      const error = refuse.map((check) => check(attempt)).find((e) => e);
      if (error) throw error;
      recorded.push(attempt);
      return recorded.length;
    },
  } as unknown as DeliveryJournal;
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
  const worker = new DeliveryWorker(
    directory,
    { send } as unknown as HttpSender,
    { open: (value: string) => value } as unknown as SecretBox,
    journal,
    SCHEDULE,
    silent as unknown as Logger,
    { take: () => ({ allowed: true, waitMs: 0 }) } as unknown as GossipRateLimiter,
    { record: () => undefined } as unknown as DeliveryMetrics,
    50,
    10_000,
  );
  const request = (fact: Record<string, unknown>): DeliveryRequested => {
    const deliveryId = uuidv7();
    return {
      schemaVersion: 1,
      kind: 'delivery.requested',
      id: deliveryId,
      tenantId,
      correlationId: deliveryId,
      causationId: null,
      deliveryId,
      webhookId: webhook.id,
      factKind: 'event.ingested',
      factId: uuidv7(),
      fact,
      requestedAt: new Date().toISOString(),
    };
  };
  const message = (value: DeliveryRequested, deliveryCount = 1) =>
    ({
      data: DeliveryRequestedCodec.encode(value),
      info: { deliveryCount },
      working: () => undefined,
    }) as unknown as JsMsg;
  return { worker, send, recorded, refuse, outcome, request, message };
}

describe('DeliveryWorker', () => {
  it('sends nothing and acks nothing while the webhook directory is still loading: it offers the delivery again', async () => {
    const { worker, send, recorded, request, message } = setup({ loading: true });
    const decision = await worker.handle(message(request({ summary: 'right after a restart' })));
    expect(decision).toMatchObject({ outcome: 'nak', delayMs: 500 });
    expect(send).not.toHaveBeenCalled();
    expect(recorded).toHaveLength(0);
  });

  it('fails a delivery whose template renders over 1 MiB: recorded with the reason, never POSTed, acked', async () => {
    const { worker, send, recorded, request, message } = setup({
      template: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, '{{payload}}'])),
    });
    const decision = await worker.handle(message(request({ payload: { blob: 'x'.repeat(100_000) } })));
    expect(decision).toEqual({ outcome: 'ack' });
    expect(send).not.toHaveBeenCalled();
    expect(recorded).toHaveLength(1);
    expect(recorded[0].next).toEqual({ state: 'failed', nextAttemptAt: null });
    expect(recorded[0].attempt).toMatchObject({ error: 'rendered body is over 1 MiB', response: null });
  });

  it('keeps the sent body cut between characters, and storable text', async () => {
    const { worker, send, recorded, request, message } = setup();
    // The body starts `{"id":"<36>","type":"event.ingested","tenantId":"<36>","data":{"summary":"`.
    const prefix = JSON.stringify({ id: uuidv7(), type: 'event.ingested', tenantId: uuidv7(), data: { summary: '' } });
    const summary = 'x'.repeat(16_384 - (prefix.length - 3) - 1) + '🚀 and more';
    await worker.handle(message(request({ summary })));
    const sent = (send.mock.calls[0] as unknown as [string, Record<string, string>, string])[2];
    expect(sent.slice(16_383, 16_385)).toBe('🚀'); // the emoji straddles the cut
    const kept = recorded[0].attempt.request.body;
    expect(kept.isWellFormed()).toBe(true);
    expect(kept.length).toBe(16_383);
    expect(sent.startsWith(kept)).toBe(true);
  });

  it('records a delivery the database refuses minimally, ending it: delivered stays delivered, acked', async () => {
    const { worker, recorded, refuse, request, message } = setup();
    refuse.push((attempt) =>
      Object.keys(attempt.delivery.fact).length > 0
        ? Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' })
        : null,
    );
    expect(await worker.handle(message(request({ summary: 'a\u0000b' })))).toEqual({ outcome: 'ack' });
    expect(recorded).toHaveLength(1);
    expect(recorded[0].next.state).toBe('delivered');
    expect(recorded[0].delivery.fact).toEqual({});
    expect(recorded[0].attempt.error).toMatch(/could not be recorded in full \(22P05: unsupported Unicode/);
  });

  it('fails instead of scheduling a retry when a failed attempt cannot be recorded', async () => {
    const { worker, recorded, refuse, outcome, request, message } = setup();
    Object.assign(outcome, { delivered: false, status: 503 });
    refuse.push((attempt) =>
      attempt.next.state === 'pending' ? Object.assign(new Error('bad'), { code: '23502' }) : null,
    );
    expect(await worker.handle(message(request({})))).toEqual({ outcome: 'ack' });
    expect(recorded[0].next).toEqual({ state: 'failed', nextAttemptAt: null });
  });

  it('throws on a transient database error (a nak: retried), never turning it into a failure', async () => {
    const { worker, recorded, refuse, request, message } = setup();
    refuse.push(() => Object.assign(new Error('terminating connection'), { code: '57P01' }));
    await expect(worker.handle(message(request({})))).rejects.toThrow('terminating connection');
    refuse.length = 0;
    refuse.push(() => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await expect(worker.handle(message(request({})))).rejects.toThrow('ECONNREFUSED');
    expect(recorded).toHaveLength(0);
  });

  it('gives a delivery up, unsent, once handed out more often than its window allows, or after it', async () => {
    const many = setup();
    const most = maxHandOuts(SCHEDULE);
    await many.worker.handle(many.message(many.request({}), most));
    expect(many.send).toHaveBeenCalledTimes(1);
    expect(await many.worker.handle(many.message(many.request({}), most + 1))).toEqual({ outcome: 'ack' });
    expect(many.send).toHaveBeenCalledTimes(1);
    expect(many.recorded[1].next.state).toBe('failed');
    expect(many.recorded[1].attempt.error).toMatch(/handed out \d+ times/);

    const late = setup({
      progress: { attempts: 3, firstAttemptAt: Date.now() - 3 * SCHEDULE.windowMs, state: 'pending' },
    });
    expect(await late.worker.handle(late.message(late.request({}), 4))).toEqual({ outcome: 'ack' });
    expect(late.send).not.toHaveBeenCalled();
    expect(late.recorded[0].attempt.error).toBe('retry window over');
  });
});
