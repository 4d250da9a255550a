import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { HEADER_KIND, type StreamNames } from '@daalu/contracts';

/**
 * Holds every message the e2e suites leave on their namespace's streams to the published contract
 * (docs/asyncapi.yaml and docs/schemas/, what internal teams generate their readers from): each must be
 * on a subject the contract lists, of a kind that subject carries, and valid JSON per the kind's schema.
 * `createTestNats`'s `cleanup()` runs it before deleting the streams.
 */

const ROOT = join(__dirname, '..', '..', '..');
const DOCS = join(ROOT, 'docs');

const NO_KIND_HEADER = `no ${HEADER_KIND} header`;

export interface SuiteAllowance {
  /** What the suite publishes outside the contract, and why. */
  reason: string;
  /** The violations tolerated (the rest still fail the suite); without it, the suite is not checked. */
  tolerates?: (violation: ContractViolation) => boolean;
}

/**
 * Suites that publish outside the contract on purpose: the platform's own tests of what a consumer does
 * with garbage (`m1`, `{`, `{"not":"an event"}`, bytes without a kind), and a duplicate written without
 * headers as another publisher could. A suite can also opt out with `cleanup({ allowInvalid: true })`.
 */
export const SUITE_ALLOWANCES: Record<string, SuiteAllowance> = {
  'libs/platform/jetstream/test/work-consumer.e2e-spec.ts': { reason: 'raw test bytes on an events subject' },
  'libs/platform/jetstream/test/pipelined-publisher.e2e-spec.ts': { reason: 'raw test bytes on an events subject' },
  'libs/platform/jetstream/test/provisioning.e2e-spec.ts': { reason: '`{}` on a config subject' },
  'libs/platform/projection/test/projection-runner.e2e-spec.ts': { reason: 'a poison message that is not an event' },
  'libs/platform/tenancy/test/config-facts-follower.e2e-spec.ts': { reason: 'a config fact that is not JSON' },
  'apps/timeline-projector/test/timeline-api.e2e-spec.ts': {
    reason: 'a valid event published again without headers (the readers take it as event.ingested)',
    tolerates: (v) => v.problem === NO_KIND_HEADER && v.kind === null && /_EVENTS$/.test(v.stream),
  },
};

/** Messages of several suites can be many: read in one pass, not message by message. */
const READ_TIMEOUT_MS = 30_000;
/** Problems named in the error (the rest are counted). */
const MAX_LISTED = 20;

export interface ContractViolation {
  stream: string;
  seq: number;
  subject: string;
  kind: string | null;
  problem: string;
}

interface Channel {
  id: string;
  /** The address with the namespace as its first token and `{param}` as `*`, split into tokens. */
  tokens: string[];
  kinds: string[];
  /** The kind of a channel whose one message kind carries no Daalu-Kind header (dead letters). */
  implicitKind: string | null;
}

export interface MessageContract {
  kinds: string[];
  /** Null when the message keeps to the contract, else what is wrong. */
  check(
    namespace: string,
    subject: string,
    kindHeader: string | undefined,
    data: Uint8Array,
  ): Omit<ContractViolation, 'stream' | 'seq' | 'subject'> | null;
  /** The problems of a body of a kind, per its JSON Schema (empty when valid). */
  validate(kind: string, body: unknown): string[];
}

let loaded: MessageContract | undefined;

/** The published contract, read once per test worker. */
export function messageContract(): MessageContract {
  loaded ??= loadContract(DOCS);
  return loaded;
}

/** The Ajv the contract's schemas are checked with (draft-07, strict, with `format`). */
export function contractAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv;
}

function loadContract(docs: string): MessageContract {
  const ajv = contractAjv();
  const validators = new Map<string, ValidateFunction>();
  for (const file of readdirSync(join(docs, 'schemas')).filter((name) => name.endsWith('.json'))) {
    const schema = JSON.parse(readFileSync(join(docs, 'schemas', file), 'utf8')) as { title: string };
    validators.set(schema.title, ajv.compile(schema));
  }
  const document = parse(readFileSync(join(docs, 'asyncapi.yaml'), 'utf8')) as AsyncApi;
  const channels = channelsOf(document);

  const validate = (kind: string, body: unknown): string[] => {
    const validator = validators.get(kind);
    if (!validator) return [`no JSON Schema for kind "${kind}"`];
    return validator(body) ? [] : (validator.errors ?? []).map(describe);
  };
  const bodyProblems = (kind: string, data: Uint8Array): string[] => {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(data).toString('utf8'));
    } catch (error) {
      return [`not JSON: ${(error as Error).message}`];
    }
    return validate(kind, body);
  };
  return {
    kinds: [...validators.keys()],
    validate,
    check(namespace, subject, kindHeader, data) {
      const tokens = subject.split('.');
      const channel = channels.find(
        (c) =>
          c.tokens.length === tokens.length &&
          c.tokens.every((t, i) => (i === 0 ? tokens[0] === namespace : t === '*' || t === tokens[i])),
      );
      const kind = kindHeader ?? channel?.implicitKind ?? null;
      if (!channel) return { kind, problem: 'the contract lists no channel with this subject' };
      if (!kind) {
        // The body is still checked against the subject's one kind, if it has one.
        const problems = channel.kinds.length === 1 ? bodyProblems(channel.kinds[0], data) : [];
        return { kind, problem: [NO_KIND_HEADER, ...problems].join('; ') };
      }
      if (!channel.kinds.includes(kind)) {
        return {
          kind,
          problem: `kind "${kind}" is not published on channel ${channel.id} (${channel.kinds.join(', ')})`,
        };
      }
      const problems = bodyProblems(kind, data);
      return problems.length === 0 ? null : { kind, problem: problems.join('; ') };
    },
  };
}

interface AsyncApi {
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }>; 'x-internal'?: boolean }>;
  components: {
    messages: Record<string, { name: string; headers?: { $ref: string } }>;
    schemas: Record<string, { required?: string[] }>;
  };
}

function channelsOf(document: AsyncApi): Channel[] {
  const target = <T>(ref: string, within: Record<string, T>): T => {
    const found = within[ref.slice(ref.lastIndexOf('/') + 1)];
    if (!found) throw new Error(`docs/asyncapi.yaml: ${ref} does not resolve`);
    return found;
  };
  return Object.entries(document.channels)
    .filter(([, channel]) => !channel['x-internal'])
    .map(([id, channel]) => {
      const messages = Object.values(channel.messages).map((ref) => target(ref.$ref, document.components.messages));
      const withoutKindHeader = messages.filter((m) => {
        const headers = m.headers ? target(m.headers.$ref, document.components.schemas) : undefined;
        return !headers?.required?.includes(HEADER_KIND);
      });
      return {
        id,
        tokens: channel.address.split('.').map((token) => (/^\{\w+\}$/.test(token) ? '*' : token)),
        kinds: messages.map((m) => m.name),
        implicitKind: messages.length === 1 && withoutKindHeader.length === 1 ? messages[0].name : null,
      };
    });
}

function describe(error: ErrorObject): string {
  const params = error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : '';
  return `${error.instancePath || '/'} ${error.message ?? error.keyword}${params}`;
}

/**
 * Reads every message on the namespace's streams (one ordered consumer per stream, up to the last
 * sequence when the check starts) and returns those that break the contract.
 */
export async function checkStreamsAgainstContract(
  js: JetStreamClient,
  jsm: JetStreamManager,
  namespace: string,
  streams: StreamNames,
): Promise<ContractViolation[]> {
  const contract = messageContract();
  const violations: ContractViolation[] = [];
  for (const stream of [streams.events, streams.config, streams.deliveries, streams.deadLetters]) {
    const info = await jsm.streams.info(stream).catch((error: Error) => {
      if (/stream not found/i.test(error.message)) return null;
      throw error;
    });
    if (!info || info.state.messages === 0) continue;
    await readStream(js, stream, info.state.last_seq, (msg) => {
      const problem = contract.check(namespace, msg.subject, msg.headers?.get(HEADER_KIND) || undefined, msg.data);
      if (problem) violations.push({ stream, seq: msg.seq, subject: msg.subject, ...problem });
    });
  }
  return violations;
}

async function readStream(js: JetStreamClient, stream: string, lastSeq: number, visit: (msg: JsMsg) => void) {
  const consumer = await js.consumers.get(stream);
  const messages = await consumer.consume({ max_messages: 1000 });
  let seen = 0;
  const timer = setTimeout(() => void messages.stop(), READ_TIMEOUT_MS);
  try {
    for await (const msg of messages) {
      seen = msg.seq;
      visit(msg);
      if (msg.seq >= lastSeq) break;
    }
  } finally {
    clearTimeout(timer);
    void messages.stop();
  }
  if (seen < lastSeq) {
    throw new Error(`message contract check: read ${stream} up to ${seen} of ${lastSeq} within ${READ_TIMEOUT_MS} ms`);
  }
}

export class MessageContractError extends Error {
  constructor(namespace: string, violations: ContractViolation[]) {
    const listed = violations
      .slice(0, MAX_LISTED)
      .map((v) => `  ${v.stream} #${v.seq} ${v.subject} kind ${v.kind ?? '(none)'}: ${v.problem}`);
    if (violations.length > MAX_LISTED) listed.push(`  ... and ${violations.length - MAX_LISTED} more`);
    super(
      `${violations.length} message(s) on namespace ${namespace} break the contract in docs/asyncapi.yaml and ` +
        `docs/schemas/ (fix the publisher or the contract; a suite that publishes garbage on purpose opts out ` +
        `with cleanup({ allowInvalid: true })):\n${listed.join('\n')}`,
    );
    this.name = 'MessageContractError';
  }
}

/** What the running suite may publish outside the contract, or null. */
export function suiteAllowance(): SuiteAllowance | null {
  const testPath = (globalThis as { expect?: { getState(): { testPath?: string } } }).expect?.getState().testPath;
  if (!testPath) return null;
  return SUITE_ALLOWANCES[relative(ROOT, testPath).split(sep).join('/')] ?? null;
}
