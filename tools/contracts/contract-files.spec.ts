import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity, fromFile, Parser } from '@asyncapi/parser';
import { parse } from 'yaml';
import { v7 as uuidv7 } from 'uuid';
import {
  configCodecFor,
  DeadLetterCodec,
  DeadLetterResolvedCodec,
  DeliveryRequestedCodec,
  eventIngested,
  EventIngestedCodec,
  AlertAcknowledgedCodec,
  AlertFiredCodec,
  AlertUnacknowledgedCodec,
  AlertUnsilencedCodec,
  SilenceCreatedCodec,
  CheckPausedCodec,
  CheckResumedCodec,
  SilenceExpiredCodec,
  AlertResolvedCodec,
  ProposalApprovedCodec,
  ProposalCreatedCodec,
  ProposalRejectedCodec,
  streamDefinitions,
  type MessageCodec,
} from '@daalu/contracts';
import { anApiTokenIssued, anIngestedEvent, aTenantCreated, PAGE_EXAMPLE_ENVELOPE } from '@daalu/contracts/testing';
import { contractAjv, messageContract } from '@daalu/testing';
import { CHANNELS, CONTRACT_NAMESPACE, INTERNAL_CHANNELS, MESSAGES, type MessageKind } from './catalog';
import { contractFiles } from './contract-files';
import { SAMPLES } from './samples';

const DOCS = join(__dirname, '..', '..', 'docs');
const read = (path: string) => readFileSync(join(DOCS, path), 'utf8');
const KINDS = MESSAGES.map((m) => m.kind);
const TENANT = '0194f3a2-7c1e-7a00-8000-000000000001';

const CODECS: Record<MessageKind, MessageCodec<unknown>> = {
  'event.ingested': EventIngestedCodec,
  'alert.fired': AlertFiredCodec,
  'alert.resolved': AlertResolvedCodec,
  'alert.acknowledged': AlertAcknowledgedCodec,
  'alert.unacknowledged': AlertUnacknowledgedCodec,
  'alert.unsilenced': AlertUnsilencedCodec,
  'silence.created': SilenceCreatedCodec,
  'silence.expired': SilenceExpiredCodec,
  'check.paused': CheckPausedCodec,
  'check.resumed': CheckResumedCodec,
  'proposal.created': ProposalCreatedCodec,
  'proposal.approved': ProposalApprovedCodec,
  'proposal.rejected': ProposalRejectedCodec,
  'tenant.created': configCodecFor('tenant.created'),
  'tenant.rate-limit-set': configCodecFor('tenant.rate-limit-set'),
  'tenant.suspended': configCodecFor('tenant.suspended'),
  'tenant.resumed': configCodecFor('tenant.resumed'),
  'tenant.deleted': configCodecFor('tenant.deleted'),
  'ingest-key.issued': configCodecFor('ingest-key.issued'),
  'ingest-key.previous-revoked': configCodecFor('ingest-key.previous-revoked'),
  'api-token.issued': configCodecFor('api-token.issued'),
  'api-token.revoked': configCodecFor('api-token.revoked'),
  'alert-rule.saved': configCodecFor('alert-rule.saved'),
  'alert-rule.deleted': configCodecFor('alert-rule.deleted'),
  'webhook.saved': configCodecFor('webhook.saved'),
  'webhook.secret-issued': configCodecFor('webhook.secret-issued'),
  'webhook.secret-revealed': configCodecFor('webhook.secret-revealed'),
  'webhook.resealed': configCodecFor('webhook.resealed'),
  'webhook.deleted': configCodecFor('webhook.deleted'),
  'delivery.requested': DeliveryRequestedCodec,
  'dead-letter': DeadLetterCodec,
  'dead-letter-resolved': DeadLetterResolvedCodec,
} satisfies Record<MessageKind, unknown> as Record<MessageKind, MessageCodec<unknown>>;

describe('docs/asyncapi.yaml and docs/schemas/', () => {
  it('are what the generator writes now (run `npm run contracts` after changing libs/contracts)', () => {
    const files = contractFiles();
    const committed = [
      'asyncapi.yaml',
      ...(existsSync(join(DOCS, 'schemas')) ? readdirSync(join(DOCS, 'schemas')).map((name) => `schemas/${name}`) : []),
    ];
    const stale = Object.entries(files)
      .filter(([path, content]) => !existsSync(join(DOCS, path)) || read(path) !== content)
      .map(([path]) => `docs/${path}`);
    const extra = committed.filter((path) => files[path] === undefined).map((path) => `docs/${path} (no such kind)`);
    if (stale.length + extra.length > 0) {
      throw new Error(`out of date: ${[...stale, ...extra].join(', ')}; run npm run contracts and commit the result`);
    }
  });

  it('has one JSON Schema per message kind, named by its kind', () => {
    expect(readdirSync(join(DOCS, 'schemas')).sort()).toEqual(KINDS.map((kind) => `${kind}.json`).sort());
    for (const kind of KINDS) {
      const schema = JSON.parse(read(`schemas/${kind}.json`));
      expect(schema).toMatchObject({
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: `urn:daalu:schema:${kind}`,
        title: kind,
        description: expect.stringMatching(/\S/),
        type: 'object',
        properties: { kind: { const: kind } },
      });
    }
  });
});

describe('docs/asyncapi.yaml', () => {
  it('parses and validates as AsyncAPI 3.0 with its schemas resolved: no errors, no warnings', async () => {
    const { document, diagnostics } = await fromFile(new Parser(), join(DOCS, 'asyncapi.yaml')).parse();
    const problems = diagnostics
      .filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning)
      .map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`);
    expect(problems).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');

    // Every kind as a message with its schema resolved, on the channel the subject builders give.
    const messages = document!.allMessages().all();
    expect(messages.map((m) => m.name()).sort()).toEqual([...KINDS, ...INTERNAL_CHANNELS.map((c) => c.id)].sort());
    for (const message of messages.filter((m) => KINDS.includes(m.name() as MessageKind))) {
      expect(message.payload()?.properties()?.kind?.const()).toBe(message.name());
    }
    const addresses = document!
      .allChannels()
      .all()
      .map((c) => c.address());
    expect(addresses).toEqual(
      expect.arrayContaining([
        'daalu.events.{tenantId}',
        'daalu.alerts.{tenantId}',
        'daalu.proposals.{tenantId}.{proposalId}',
        'daalu.config.{tenantId}.alert-rule.{ruleId}',
        'daalu.deliveries.{tenantId}',
        'daalu.deadletter.{consumer}',
        'daalu.deadletter-resolved',
        'daalu.ratelimit.ingest',
      ]),
    );
  });

  it('names every stream with its subjects, and every header', () => {
    const text = read('asyncapi.yaml');
    const document = parse(text);
    expect(document['x-streams'].map((s: { name: string; subjects: string[] }) => [s.name, s.subjects])).toEqual(
      streamDefinitions(CONTRACT_NAMESPACE).map((s) => [s.name, s.subjects]),
    );
    for (const header of [
      'Nats-Msg-Id',
      'Daalu-Kind',
      'Daalu-Schema-Version',
      'Daalu-Correlation-Id',
      'Daalu-Replay-For',
    ]) {
      expect(Object.keys(document.components.schemas.EnvelopeHeaders.properties)).toContain(header);
    }
    for (const channel of CHANNELS) expect(document.channels[channel.id].address).toBe(channel.address);
  });

  it("shows examples that are valid messages of their kind, with their kind's headers", () => {
    const document = parse(read('asyncapi.yaml'));
    for (const kind of KINDS) {
      const [example] = document.components.messages[kind].examples;
      expect({ kind, problems: messageContract().validate(kind, example.payload) }).toEqual({ kind, problems: [] });
      if (MESSAGES.find((m) => m.kind === kind)!.envelope) expect(example.headers['Daalu-Kind']).toBe(kind);
    }
  });
});

describe('the JSON Schemas', () => {
  const ajv = contractAjv();
  const validators = Object.fromEntries(
    KINDS.map((kind) => [kind, ajv.compile(JSON.parse(read(`schemas/${kind}.json`)))]),
  );
  const valid = (kind: MessageKind, message: unknown) => {
    const validator = validators[kind];
    return validator(message) ? [] : validator.errors!.map((e) => `${e.instancePath} ${e.message}`);
  };

  it.each(KINDS)('%s compiles (strict ajv, formats) and accepts a message the apps would publish', (kind) => {
    expect(valid(kind, SAMPLES[kind])).toEqual([]);
    // The TypeBox codec the apps decode with agrees.
    expect(CODECS[kind].decode(CODECS[kind].encode(SAMPLES[kind]))).toEqual(SAMPLES[kind]);
  });

  it.each(KINDS)('%s refuses a message without a required field, with an unknown field, or of another kind', (kind) => {
    const sample = SAMPLES[kind] as unknown as Record<string, unknown>;
    const schema = JSON.parse(read(`schemas/${kind}.json`));
    for (const field of schema.required as string[]) {
      const { [field]: _dropped, ...without } = sample;
      expect({ field, accepted: valid(kind, without).length === 0 }).toEqual({ field, accepted: false });
      expect(() => CODECS[kind].decode(Buffer.from(JSON.stringify(without)))).toThrow();
    }
    expect(valid(kind, { ...sample, tenant_id: TENANT })).toEqual([' must NOT have additional properties']);
    expect(valid(kind, { ...sample, kind: 'something.else' })).toEqual(['/kind must be equal to constant']);
  });

  it('hold the messages the contract factories build', () => {
    expect(valid('event.ingested', anIngestedEvent(TENANT))).toEqual([]);
    expect(
      valid('event.ingested', eventIngested(uuidv7(), TENANT, { ...PAGE_EXAMPLE_ENVELOPE }, new Date().toISOString())),
    ).toEqual([]);
    expect(valid('tenant.created', aTenantCreated())).toEqual([]);
    expect(valid('api-token.issued', anApiTokenIssued(TENANT, 'c'.repeat(64)))).toEqual([]);
  });

  it('refuse what the contract forbids: a wrong severity, an id that is not a UUID, a time that is not RFC 3339', () => {
    expect(valid('event.ingested', anIngestedEvent(TENANT, { severity: 'loud' as never }))).toEqual([
      '/severity must be equal to one of the allowed values',
    ]);
    expect(valid('event.ingested', { ...anIngestedEvent(TENANT), id: 'not-a-uuid' })).toEqual(
      expect.arrayContaining(['/id must match format "uuid"']),
    );
    expect(valid('event.ingested', anIngestedEvent(TENANT, { receivedAt: 'yesterday, around noon' }))).toEqual([
      '/receivedAt must match format "date-time"',
    ]);
  });
});
