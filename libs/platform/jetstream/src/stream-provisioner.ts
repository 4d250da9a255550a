import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { StreamDefinition } from '@daalu/contracts';
import type { Logger } from 'pino';

/** JetStream's error code for "stream name already in use" (a concurrent create won the race). */
const STREAM_NAME_IN_USE = 10058;

/** Turns our plain stream definition into the JetStream API's config. */
export function toStreamConfig(definition: StreamDefinition, replicas = 1): Partial<StreamConfig> & { name: string } {
  return {
    name: definition.name,
    subjects: definition.subjects,
    description: definition.description,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(definition.maxAgeSeconds * 1000),
    duplicate_window: nanos(definition.duplicateWindowSeconds * 1000),
    max_msg_size: definition.maxMessageBytes,
    num_replicas: replicas,
    allow_rollup_hdrs: false,
    deny_delete: true,
    deny_purge: false,
  };
}

/**
 * Creates missing streams and brings existing ones to the definition. Safe to run from every app at
 * every start and concurrently: "already exists" from a racing app is treated as success.
 */
export async function provisionStreams(
  jsm: JetStreamManager,
  definitions: StreamDefinition[],
  logger: Logger,
  replicas = 1,
): Promise<void> {
  for (const definition of definitions) {
    const wanted = toStreamConfig(definition, replicas);
    const existing = await jsm.streams.info(definition.name).catch((error: unknown) => {
      if (isNotFound(error, JetStreamApiCodes.StreamNotFound)) return null;
      throw error;
    });
    if (!existing) {
      try {
        await jsm.streams.add(wanted);
        logger.info({ stream: definition.name, subjects: definition.subjects }, 'created stream');
      } catch (error) {
        if (!(error instanceof JetStreamApiError && error.code === STREAM_NAME_IN_USE)) throw error;
      }
      continue;
    }
    const current = existing.config;
    if (hasDrifted(current, wanted)) {
      await jsm.streams.update(definition.name, { ...current, ...wanted });
      logger.info({ stream: definition.name, replicas: wanted.num_replicas }, 'updated stream to its definition');
    }
  }
}

/**
 * Whether an existing stream differs from its definition in a setting we own: limits, subjects, and the
 * replica count (so setting DAALU_STREAM_REPLICAS=3 on a NATS cluster scales existing streams up).
 */
export function hasDrifted(current: StreamConfig, wanted: Partial<StreamConfig>): boolean {
  return (
    current.max_age !== wanted.max_age ||
    current.duplicate_window !== wanted.duplicate_window ||
    current.max_msg_size !== wanted.max_msg_size ||
    current.num_replicas !== wanted.num_replicas ||
    current.subjects.join(',') !== (wanted.subjects ?? []).join(',')
  );
}

export function isNotFound(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
