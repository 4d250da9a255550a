import { headers as natsHeaders } from '@nats-io/nats-core';
import { v7 as uuidv7 } from 'uuid';
import {
  configCodecFor,
  generateToken,
  HEADER_KIND,
  hashToken,
  ProposalApprovedCodec,
  ProposalCreatedCodec,
  ProposalRejectedCodec,
  tokenPrefix,
  type ConfigAggregate,
  type ConfigFact,
  type MessageCodec,
  type ProposalFact,
} from '@daalu/contracts';
import { ProjectionHost } from '@daalu/platform/projection';
import { eventually } from '@daalu/testing';
import { AUDIT_CONFIG_PROJECTION, AUDIT_PROPOSALS_PROJECTION, AuditRetention } from '@daalu/audit/feature';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the gateway's own harness, as its suites start it
import { GatewayHarness, type CreatedTenant, type Gateway } from '../../../apps/ingest-gateway/test/gateway-harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read freely
type Json = any;

const MINUTE = 60_000;

/**
 * The audit log end to end: a gateway in this process over a suite database and NATS namespace, CONFIG
 * facts and proposal facts published on the log as the apps publish them, read back through
 * `GET /api/v1/audit`.
 */
describe('the tenant audit log (GET /api/v1/audit)', () => {
  let harness: GatewayHarness;
  let gateway: Gateway;
  let tenant: CreatedTenant;
  /** The times of the facts this suite publishes: an hour ago, a minute apart. */
  const base = Date.now() - 60 * MINUTE;
  const at = (minute: number) => new Date(base + minute * MINUTE).toISOString();
  const ids = {
    deployToken: uuidv7(),
    readToken: uuidv7(),
    rule: uuidv7(),
    webhook: uuidv7(),
    secret1: uuidv7(),
    secret2: uuidv7(),
    key1: uuidv7(),
    key2: uuidv7(),
    proposal1: uuidv7(),
    proposal2: uuidv7(),
  };
  const readOnlyToken = generateToken('api-token');
  const SEALED = 'v1.sealed.c2VjcmV0LXZhbHVlLW5ldmVyLXNob3du';

  beforeAll(async () => {
    harness = await GatewayHarness.create('audit');
    gateway = await harness.start();
    tenant = await harness.createTenant(gateway, 'acme');
  }, 60_000);

  afterAll(async () => {
    for (const one of harness.gateways) await one.close().catch(() => undefined);
    // One message on CONFIG is not JSON on purpose (the poison case).
    await harness.nats.cleanup({ allowInvalid: true });
    await harness.db.drop();
  }, 60_000);

  const header = <K extends string>(kind: K, tenantId: string, minute: number, actor?: string) => {
    const id = uuidv7();
    return {
      schemaVersion: 1 as const,
      kind,
      id,
      tenantId,
      correlationId: id,
      causationId: null,
      occurredAt: at(minute),
      ...(actor ? { actor } : {}),
    };
  };

  async function publishConfig(aggregate: ConfigAggregate, fact: ConfigFact): Promise<void> {
    const headers = natsHeaders();
    headers.set(HEADER_KIND, fact.kind);
    const codec = configCodecFor(fact.kind) as MessageCodec<ConfigFact>;
    await harness.nats.js.publish(harness.nats.subjects.config(fact.tenantId, aggregate), codec.encode(fact), {
      msgID: fact.id,
      headers,
    });
  }

  async function publishProposal(fact: ProposalFact): Promise<void> {
    const codecs = {
      'proposal.created': ProposalCreatedCodec,
      'proposal.approved': ProposalApprovedCodec,
      'proposal.rejected': ProposalRejectedCodec,
    } as Record<string, MessageCodec<ProposalFact>>;
    const headers = natsHeaders();
    headers.set(HEADER_KIND, fact.kind);
    await harness.nats.js.publish(
      harness.nats.subjects.proposal(fact.tenantId, fact.proposalId),
      codecs[fact.kind].encode(fact),
      { msgID: fact.id, headers },
    );
  }

  async function audit(query = '', token = tenant.apiToken): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${gateway.url}/api/v1/audit${query}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: response.status, body: await response.json() };
  }

  const rule = (name: string) => ({
    name,
    kind: 'match' as const,
    enabled: true,
    match: { type: 'disk.*' },
    alert: { severity: 'warning' as const, summary: 'disk on {{payload.host}}' },
  });

  it('records every kind of fact as its action, with actor, target and details', async () => {
    const t = tenant.id;
    const deployBot = 'deploy bot (dat_7fQ2…)';
    await publishConfig('tenant', {
      ...header('tenant.rate-limit-set', t, 1, 'operator (1a2b3c4d)'),
      perSecond: 50,
      burst: 100,
    });
    await publishConfig('api-token', {
      ...header('api-token.issued', t, 2, `initial (${tokenPrefix(tenant.apiToken)})`),
      tokenId: ids.deployToken,
      tokenHash: hashToken(generateToken('api-token')),
      tokenPrefix: 'dat_7fQ2…',
      name: 'deploy bot',
      scopes: ['write'],
      expiresAt: null,
    });
    await publishConfig('api-token', {
      ...header('api-token.issued', t, 2.5, `initial (${tokenPrefix(tenant.apiToken)})`),
      tokenId: ids.readToken,
      tokenHash: hashToken(readOnlyToken),
      tokenPrefix: tokenPrefix(readOnlyToken),
      name: 'dashboard',
      scopes: ['read'],
    });
    await publishConfig('alert-rule', {
      ...header('alert-rule.saved', t, 3, deployBot),
      ruleId: ids.rule,
      version: 1,
      rule: rule('Disk full'),
    });
    await publishConfig('alert-rule', {
      ...header('alert-rule.saved', t, 4, deployBot),
      ruleId: ids.rule,
      version: 2,
      rule: rule('Disk almost full'),
    });
    await publishConfig('webhook', {
      ...header('webhook.saved', t, 5, deployBot),
      webhookId: ids.webhook,
      version: 1,
      webhook: { url: 'https://user:pw@hooks.example.com/in?token=abc', description: '', trigger: {}, enabled: true },
      sealedHeaders: { Authorization: SEALED },
    });
    await publishConfig('webhook', {
      ...header('webhook.secret-issued', t, 5.5, deployBot),
      webhookId: ids.webhook,
      secretId: ids.secret1,
      sealedSecret: SEALED,
      previousSecretId: null,
      previousExpiresAt: null,
    });
    await publishConfig('webhook', {
      ...header('webhook.secret-revealed', t, 6, 'Alice (dat_aaaa…)'),
      webhookId: ids.webhook,
      secretId: ids.secret1,
    } as ConfigFact);
    await publishConfig('webhook', {
      ...header('webhook.secret-issued', t, 7, 'Alice (dat_aaaa…)'),
      webhookId: ids.webhook,
      secretId: ids.secret2,
      sealedSecret: SEALED,
      previousSecretId: ids.secret1,
      previousExpiresAt: at(7 + 24 * 60),
    });
    await publishConfig('webhook', {
      ...header('webhook.saved', t, 8, 'daalu'),
      webhookId: ids.webhook,
      version: 2,
      webhook: {
        url: 'https://user:pw@hooks.example.com/in?token=abc',
        description: '',
        trigger: {},
        enabled: false,
        disabledReason: 'the receiver failed for 5 days',
      },
      sealedHeaders: { Authorization: SEALED },
    });
    await publishConfig('webhook', {
      ...header('webhook.resealed', t, 9),
      webhookId: ids.webhook,
      sealedHeaders: { Authorization: SEALED },
      secrets: [{ secretId: ids.secret2, sealedSecret: SEALED }],
    });
    await publishConfig('ingest-key', {
      ...header('ingest-key.issued', t, 10, deployBot),
      keyId: ids.key2,
      keyHash: hashToken(generateToken('ingest-key')),
      keyPrefix: 'dik_Zz99…',
      previousKeyId: ids.key1,
      previousKeyExpiresAt: at(10),
    } as ConfigFact);
    await publishConfig('ingest-key', {
      ...header('ingest-key.previous-revoked', t, 11, deployBot),
      keyId: ids.key1,
    });
    await publishConfig('api-token', {
      ...header('api-token.revoked', t, 12, 'Alice (dat_aaaa…)'),
      tokenId: ids.deployToken,
      tokenPrefix: 'dat_7fQ2…',
    });
    await publishConfig('alert-rule', { ...header('alert-rule.deleted', t, 13, deployBot), ruleId: ids.rule });
    await publishConfig('webhook', {
      ...header('webhook.deleted', t, 14, 'Alice (dat_aaaa…)'),
      webhookId: ids.webhook,
    });
    await publishConfig('tenant', { ...header('tenant.suspended', t, 15, 'operator (1a2b3c4d)'), reason: 'unpaid' });
    await publishConfig('tenant', { ...header('tenant.resumed', t, 16, 'operator (1a2b3c4d)') });

    const proposal = (id: string, title: string) => ({ proposalId: id, proposalKind: 'scale', title });
    await publishProposal({
      ...header('proposal.created', t, 17),
      ...proposal(ids.proposal1, 'Scale api to 6'),
      actor: deployBot,
      payload: { replicas: 6 },
    } as ProposalFact);
    await publishProposal({
      ...header('proposal.approved', t, 18),
      ...proposal(ids.proposal1, 'Scale api to 6'),
      actor: 'Bob',
      reason: null,
    } as ProposalFact);
    await publishProposal({
      ...header('proposal.created', t, 19),
      ...proposal(ids.proposal2, 'Roll back db'),
      actor: deployBot,
      payload: {},
    } as ProposalFact);
    await publishProposal({
      ...header('proposal.rejected', t, 20),
      ...proposal(ids.proposal2, 'Roll back db'),
      actor: 'Bob',
      reason: 'not during the freeze',
    } as ProposalFact);

    // 3 facts of the tenant's creation, and the 22 above.
    const page = await eventually(
      () => audit('?limit=200'),
      (answer) => answer.body.items?.length >= 25,
      { what: 'every fact in the audit log' },
    );
    expect(page.status).toBe(200);
    const items: Json[] = page.body.items;
    expect(items).toHaveLength(25);
    expect(page.body.nextCursor).toBeNull();

    // The tenant's creation is the newest (now); the rest an hour ago, a minute apart, newest first.
    expect(
      items
        .slice(0, 3)
        .map((item) => item.action)
        .sort(),
    ).toEqual(['api-token.issued', 'ingest-key.issued', 'tenant.created']);
    const created = items.find((item) => item.action === 'tenant.created');
    expect(created.target).toEqual({ type: 'tenant', id: t, name: 'acme' });
    const initialToken = items.find((item) => item.action === 'api-token.issued' && item.target.name === 'initial');
    expect(initialToken.details).toMatchObject({ name: 'initial', scopes: ['admin'], expiresAt: null });

    const rest = items.slice(3).map((item) => [item.action, item.actor, item.target.type, item.target.name]);
    expect(rest).toEqual([
      ['proposal.rejected', 'Bob', 'proposal', 'Roll back db'],
      ['proposal.created', deployBot, 'proposal', 'Roll back db'],
      ['proposal.approved', 'Bob', 'proposal', 'Scale api to 6'],
      ['proposal.created', deployBot, 'proposal', 'Scale api to 6'],
      ['tenant.resumed', 'operator (1a2b3c4d)', 'tenant', 'acme'],
      ['tenant.suspended', 'operator (1a2b3c4d)', 'tenant', 'acme'],
      ['webhook.deleted', 'Alice (dat_aaaa…)', 'webhook', 'https://hooks.example.com/in'],
      ['alert-rule.deleted', deployBot, 'alert-rule', 'Disk almost full'],
      ['api-token.revoked', 'Alice (dat_aaaa…)', 'api-token', 'deploy bot'],
      ['ingest-key.previous-revoked', deployBot, 'ingest-key', null],
      ['ingest-key.rotated', deployBot, 'ingest-key', 'dik_Zz99…'],
      ['webhook.resealed', null, 'webhook', 'https://hooks.example.com/in'],
      ['webhook.disabled', 'daalu', 'webhook', 'https://hooks.example.com/in'],
      ['webhook.secret-rotated', 'Alice (dat_aaaa…)', 'webhook', 'https://hooks.example.com/in'],
      ['webhook.secret-revealed', 'Alice (dat_aaaa…)', 'webhook', 'https://hooks.example.com/in'],
      ['webhook.secret-issued', deployBot, 'webhook', 'https://hooks.example.com/in'],
      ['webhook.created', deployBot, 'webhook', 'https://hooks.example.com/in'],
      ['alert-rule.updated', deployBot, 'alert-rule', 'Disk almost full'],
      ['alert-rule.created', deployBot, 'alert-rule', 'Disk full'],
      ['api-token.issued', `initial (${tokenPrefix(tenant.apiToken)})`, 'api-token', 'dashboard'],
      ['api-token.issued', `initial (${tokenPrefix(tenant.apiToken)})`, 'api-token', 'deploy bot'],
      ['tenant.rate-limit-set', 'operator (1a2b3c4d)', 'tenant', 'acme'],
    ]);
    const byAction = (action: string) => items.find((item) => item.action === action);
    expect(byAction('proposal.rejected').details).toEqual({ proposalKind: 'scale', reason: 'not during the freeze' });
    expect(byAction('proposal.rejected').at).toBe(at(20));
    expect(byAction('proposal.rejected').target.id).toBe(ids.proposal2);
    expect(byAction('ingest-key.rotated').details).toMatchObject({
      previousKeyExpiresAt: at(10),
      previousKeyRevokedImmediately: true,
    });
    expect(byAction('webhook.disabled').details).toMatchObject({ reason: 'the receiver failed for 5 days' });
    expect(byAction('webhook.secret-rotated').details).toMatchObject({
      secretId: ids.secret2,
      previousSecretId: ids.secret1,
    });
    expect(byAction('api-token.revoked').details).toEqual({ prefix: 'dat_7fQ2…' });
    expect(
      items.find((item) => item.action === 'api-token.issued' && item.target.name === 'deploy bot').details,
    ).toEqual({
      name: 'deploy bot',
      prefix: 'dat_7fQ2…',
      scopes: ['write'],
      expiresAt: null,
    });
    expect(byAction('tenant.rate-limit-set').details).toEqual({ perSecond: 50, burst: 100 });

    // Never a secret, a hash or a sealed value, anywhere in the answer.
    const text = JSON.stringify(page.body);
    for (const forbidden of [
      'tokenHash',
      'keyHash',
      'sealedSecret',
      'sealedHeaders',
      SEALED,
      'token=abc',
      'user:pw',
      tenant.apiToken,
    ]) {
      expect(text).not.toContain(forbidden);
    }
    expect(text).not.toMatch(/[0-9a-f]{64}/);
  });

  it('filters by action (exact or prefix), actor (any case, substring, wildcards literal), since and until', async () => {
    const actions = async (query: string) =>
      ((await audit(query)).body.items as Json[]).map((item) => item.action as string);

    expect(await actions('?action=webhook.deleted')).toEqual(['webhook.deleted']);
    expect(await actions('?action=webhook.*')).toEqual([
      'webhook.deleted',
      'webhook.resealed',
      'webhook.disabled',
      'webhook.secret-rotated',
      'webhook.secret-revealed',
      'webhook.secret-issued',
      'webhook.created',
    ]);
    expect(await actions('?action=proposal.*&actor=bob')).toEqual(['proposal.rejected', 'proposal.approved']);
    expect(await actions('?actor=ALICE')).toEqual([
      'webhook.deleted',
      'api-token.revoked',
      'webhook.secret-rotated',
      'webhook.secret-revealed',
    ]);
    expect(await actions('?actor=a%25e')).toEqual([]); // `%` is a character, not a wildcard
    expect(await actions('?actor=dat_aaa')).toHaveLength(4); // nor is `_`
    expect(await actions(`?since=${encodeURIComponent(at(5))}&until=${encodeURIComponent(at(8))}`)).toEqual([
      'webhook.secret-rotated',
      'webhook.secret-revealed',
      'webhook.secret-issued',
      'webhook.created',
    ]);
    expect(await actions('?action=tenant.*&until=' + encodeURIComponent(at(2)))).toEqual(['tenant.rate-limit-set']);
  });

  it('pages newest first with a cursor, each entry once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await audit(`?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.body.items.map((item: Json) => item.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBe(7); // 25 entries, 4 a page
    const all = (await audit('?limit=200')).body.items.map((item: Json) => item.id);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(25);
  });

  it('refuses bad parameters (400 naming them), no token (401) and a token without admin (403)', async () => {
    const bad = await audit('?since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'since' })]);
    expect(bad.body.detail).toContain('since');
    for (const query of [
      '?limit=0',
      '?limit=201',
      '?action=web*hook',
      '?cursor=nope',
      '?colour=red',
      '?until=2026-02-30',
    ]) {
      expect((await audit(query)).status).toBe(400);
    }
    expect((await audit('', '')).status).toBe(401);
    expect((await audit('', generateToken('api-token'))).status).toBe(401);
    expect((await audit('', readOnlyToken)).status).toBe(403);
  });

  it('sets aside a fact it cannot decode and goes on', async () => {
    const headers = natsHeaders();
    headers.set(HEADER_KIND, 'tenant.rate-limit-set');
    await harness.nats.js.publish(harness.nats.subjects.config(tenant.id, 'tenant'), Buffer.from('{not json'), {
      msgID: uuidv7(),
      headers,
    });
    await publishConfig('tenant', {
      ...header('tenant.rate-limit-set', tenant.id, 30, 'operator (1a2b3c4d)'),
      perSecond: 60,
      burst: 120,
    });
    await eventually(
      async () => (await audit('?action=tenant.rate-limit-set')).body.items.length,
      (n) => n === 2,
      { what: 'the fact after the poison one recorded' },
    );
    const letter = await harness.nats.jsm.streams.getMessage(harness.nats.streams.deadLetters, {
      last_by_subj: harness.nats.subjects.deadLetter(AUDIT_CONFIG_PROJECTION),
    });
    expect(letter).toBeTruthy();
  });

  it('forgets a deleted tenant, and proposal entries past the event retention', async () => {
    const other = await harness.createTenant(gateway, 'globex');
    await publishConfig('tenant', { ...header('tenant.suspended', other.id, 31, 'operator (1a2b3c4d)'), reason: 'x' });
    const count = async (tenantId: string) =>
      Number(
        (
          await harness.db.query<{ n: string }>(`SELECT count(*) AS n FROM ingest.audit_entry WHERE tenant_id = $1`, [
            tenantId,
          ])
        )[0].n,
      );
    await eventually(
      () => count(other.id),
      (n) => n === 4,
      { what: 'the other tenant recorded' },
    );
    await publishConfig('tenant', { ...header('tenant.deleted', other.id, 32, 'operator (1a2b3c4d)') });
    await eventually(
      () => count(other.id),
      (n) => n === 0,
      { what: 'the deleted tenant forgotten' },
    );
    expect(await count(tenant.id)).toBe(26);

    // 31 days on, the proposal entries (EVENTS) go; the CONFIG ones stay.
    const pruned = await gateway.app.get(AuditRetention).sweep(Date.now() + 31 * 24 * 60 * MINUTE);
    expect(pruned).toBe(4);
    const left = (await audit('?limit=200')).body.items as Json[];
    expect(left).toHaveLength(22);
    expect(left.some((item) => item.action.startsWith('proposal.'))).toBe(false);
  });

  it('a rebuild by replay makes the same rows', async () => {
    const snapshot = () =>
      harness.db.query(
        `SELECT id, tenant_id, occurred_at, action, actor, target_type, target_id, target_name, details, stream
           FROM ingest.audit_entry ORDER BY id`,
      );
    const before = await snapshot();
    await gateway.close();
    harness.gateways.splice(harness.gateways.indexOf(gateway), 1);
    const rebuilder = await harness.start({ DAALU_CONSUMERS: 'false' });
    const host = rebuilder.app.get(ProjectionHost);
    await host.get(AUDIT_CONFIG_PROJECTION).rebuild(() => undefined);
    await host.get(AUDIT_PROPOSALS_PROJECTION).rebuild(() => undefined);
    const after = await snapshot();
    // The pruned proposal entries come back from the log (it still has them: they are an hour old).
    const proposals = after.filter((row) => String(row.action).startsWith('proposal.'));
    expect(proposals).toHaveLength(4);
    expect(after.filter((row) => !String(row.action).startsWith('proposal.'))).toEqual(before);
  });
});
