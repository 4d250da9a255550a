import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import {
  streamDefinitions,
  streamNamesFor,
  subjectsFor,
  type StreamDefinition,
  type StreamNames,
  type Subjects,
} from '@daalu/contracts';
import { LOGGER, Readiness, type Logger } from '@daalu/platform/observability';
import { DeadLetterRecorder } from './dead-letter-recorder';
import { JetStreamPublisher } from './jetstream-publisher';
import { PipelinedPublisher } from './pipelined-publisher';
import { NatsClient } from './nats-client';
import { provisionStreams } from './stream-provisioner';

export const SUBJECTS = Symbol('SUBJECTS');
export const STREAM_NAMES = Symbol('STREAM_NAMES');

export interface JetStreamModuleOptions {
  servers: string;
  /** Connection name shown by the server: the app's name. */
  name: string;
  namespace: string;
  eventRetentionDays: number;
  /** Stream replicas (1 locally; 3 on a NATS cluster). */
  replicas?: number;
  publishTimeoutMs?: number;
}

/**
 * The app's NATS connection and JetStream access: connects (waiting for NATS), provisions the streams
 * idempotently, and offers a publisher and the dead-letter recorder. Drains the connection last on shutdown.
 */
@Global()
@Module({})
export class JetStreamModule implements OnApplicationShutdown {
  constructor(@Inject(NatsClient) private readonly client: NatsClient) {}

  static forRoot(options: JetStreamModuleOptions): DynamicModule {
    return {
      module: JetStreamModule,
      providers: [
        { provide: SUBJECTS, useValue: subjectsFor(options.namespace) },
        { provide: STREAM_NAMES, useValue: streamNamesFor(options.namespace) },
        {
          provide: NatsClient,
          inject: [LOGGER, Readiness],
          useFactory: async (logger: Logger, readiness: Readiness) => {
            const client = await NatsClient.connect({
              servers: options.servers,
              name: options.name,
              logger,
              requestTimeoutMs: options.publishTimeoutMs,
            });
            const definitions: StreamDefinition[] = streamDefinitions(options.namespace, {
              eventRetentionDays: options.eventRetentionDays,
            });
            await provisionStreams(client.jsm, definitions, logger, options.replicas ?? 1);
            readiness.register('nats', async () => {
              if (!client.isConnected) return { ok: false, detail: 'disconnected' };
              await client.ping();
              return { ok: true };
            });
            return client;
          },
        },
        {
          provide: JetStreamPublisher,
          inject: [NatsClient],
          useFactory: (client: NatsClient) =>
            new JetStreamPublisher(
              client.js,
              options.publishTimeoutMs ?? 2000,
              new PipelinedPublisher(client.nc, options.publishTimeoutMs ?? 2000),
              () => client.maxPayload,
            ),
        },
        {
          provide: DeadLetterRecorder,
          inject: [JetStreamPublisher, SUBJECTS, LOGGER],
          useFactory: (publisher: JetStreamPublisher, subjects: Subjects, logger: Logger) =>
            new DeadLetterRecorder(publisher, subjects, logger),
        },
      ],
      exports: [NatsClient, JetStreamPublisher, DeadLetterRecorder, SUBJECTS, STREAM_NAMES],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.drain();
  }
}

export type { StreamNames, Subjects };
