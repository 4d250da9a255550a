import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

/** Bumped only for a breaking change of a message's shape; consumers reject versions they do not know. */
export const SCHEMA_VERSION = 1 as const;

export const Uuid = Type.String({
  pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
});
export const Timestamp = Type.String({ description: 'RFC 3339 timestamp in UTC', minLength: 20, maxLength: 40 });

/**
 * Fields every message on the log carries. `id` is also the Nats-Msg-Id, so a retried publish is
 * dropped by JetStream as a duplicate. `correlationId` ties together everything one request caused;
 * `causationId` is the id of the message that directly caused this one (null for a user action).
 */
export function envelopeFields<K extends string>(kind: K) {
  return {
    schemaVersion: Type.Literal(SCHEMA_VERSION),
    kind: Type.Literal(kind),
    id: Uuid,
    tenantId: Uuid,
    correlationId: Type.String({ minLength: 1, maxLength: 128 }),
    causationId: Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()]),
  };
}

/** The envelope fields, as a type. */
export interface MessageHeader {
  schemaVersion: typeof SCHEMA_VERSION;
  kind: string;
  id: string;
  tenantId: string;
  correlationId: string;
  causationId: string | null;
}

/**
 * The header of a fact a user's request starts: caused by nothing on the log, and its own correlation
 * unless the request already has one (several facts of one request share it).
 */
export function userFactHeader<K extends string>(kind: K, tenantId: string, id: string, correlationId: string = id) {
  return { schemaVersion: SCHEMA_VERSION, kind, id, tenantId, correlationId, causationId: null };
}

/** A message whose bytes or shape are not what its subject promises: terminate it and record why. */
export class PoisonMessageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PoisonMessageError';
  }
}

export interface MessageCodec<T> {
  kind: string;
  schema: TSchema;
  encode(message: T): Uint8Array;
  /** Parses and validates; throws PoisonMessageError for anything that does not match the schema. */
  decode(bytes: Uint8Array): T;
}

export function codecFor<S extends TSchema>(kind: string, schema: S): MessageCodec<Static<S>> {
  const checker = TypeCompiler.Compile(schema);
  return {
    kind,
    schema,
    encode: (message) => Buffer.from(JSON.stringify(message)),
    decode: (bytes) => {
      let value: unknown;
      try {
        value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
      } catch (error) {
        throw new PoisonMessageError(`${kind}: not JSON (${(error as Error).message})`);
      }
      if (!checker.Check(value)) {
        const problems = [...checker.Errors(value)].slice(0, 5).map((e) => `${e.path || '/'} ${e.message}`);
        throw new PoisonMessageError(`${kind}: ${problems.join('; ')}`);
      }
      return value as Static<S>;
    },
  };
}

/**
 * Who caused a fact, as records show it: a tenant API token as `<its name> (dat_7fQ2…)`, the operator
 * as `operator (dop_…)`, Daalu itself as `daalu`. Optional on facts older than the field.
 */
export const ActorSchema = Type.String({ minLength: 1, maxLength: 200 });

/** The optional `actor` of a fact a user (or Daalu on its own account) causes. */
export const actorField = { actor: Type.Optional(ActorSchema) };
