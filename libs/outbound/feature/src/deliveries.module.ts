import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Subjects, StreamNames } from '@daalu/contracts';
import { APP_CONFIG } from '@daalu/platform/app';
import type { PlatformConfig } from '@daalu/platform/config';
import {
  DeadLetterRecorder,
  JetStreamPublisher,
  NatsClient,
  provisionConsumer,
  STREAM_NAMES,
  SUBJECTS,
  WorkConsumer,
} from '@daalu/platform/jetstream';
import { LOGGER, Metrics, Readiness, type Logger } from '@daalu/platform/observability';
import { ProjectionHost } from '@daalu/platform/projection';
import { GossipRateLimiter } from '@daalu/platform/rate-limit';
import { TenancyModule } from '@daalu/platform/tenancy';
import {
  DeliveryJournal,
  purgeBatches,
  purgeDeliveries,
  purgeHealthMinutes,
  purgeRecoveries,
} from '@daalu/outbound/data-access';
import type { RetrySchedule } from '@daalu/outbound/domain';
import { BatchCloser } from './delivery/batch-closer';
import { DeliveriesController } from './delivery/deliveries.controller';
import { DeliveryMetrics } from './delivery/delivery-metrics';
import { DeliveryWorker } from './delivery/delivery-worker';
import { HttpSender } from './delivery/http-sender';
import { WebhookFanout } from './delivery/webhook-fanout.projection';
import { HealthWatch } from './health/health-watch';
import { RecoveriesController } from './recovery/recoveries.controller';
import { RecoveryPublisher } from './recovery/recovery-publisher';
import { OUTBOUND_OPTIONS, secretBoxOf, type OutboundOptions } from './outbound-options';
import { PeriodicTask } from './periodic-task';
import { WebhookDirectory } from './webhooks/webhook-directory';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';
import { WebhooksModule } from './webhooks.module';

const RETRY_SCHEDULE = Symbol('RETRY_SCHEDULE');
/** The dispatcher replicas' one durable consumer of the DELIVERIES stream. */
export const DISPATCH_CONSUMER = 'dispatch';
/** Days a delivery and its attempts stay in the history. */
const HISTORY_DAYS = 30;
/** Deliveries in flight per replica at most (each mostly waits: on its receiver, then on its batch's commit). */
const IN_FLIGHT = 128;

/** Runs the shared work consumer of deliveries (not in the `rebuild` command, which runs no consumers). */
@Injectable()
class DeliveryConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer?: WorkConsumer;
  private closer?: BatchCloser;
  private worker?: DeliveryWorker;
  private journal?: DeliveryJournal;
  private healthFlush?: PeriodicTask;
  private health?: HealthWatch;
  private recoveries?: RecoveryPublisher;
  private perUrl?: GossipRateLimiter;
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly client: NatsClient,
    private readonly publisher: JetStreamPublisher,
    @Inject(STREAM_NAMES) private readonly streams: StreamNames,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
    @Inject(APP_CONFIG) private readonly config: PlatformConfig,
    private readonly directory: WebhookDirectory,
    private readonly webhooks: WebhooksService,
    private readonly sender: HttpSender,
    private readonly dataSource: DataSource,
    private readonly deadLetters: DeadLetterRecorder,
    private readonly metrics: Metrics,
    private readonly readiness: Readiness,
    @Inject(OUTBOUND_OPTIONS) private readonly options: OutboundOptions,
    @Inject(RETRY_SCHEDULE) private readonly schedule: RetrySchedule,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.DAALU_CONSUMERS !== 'true') return;
    await provisionConsumer(this.client.jsm, {
      stream: this.streams.deliveries,
      durable: DISPATCH_CONSUMER,
      filterSubject: this.subjects.allDeliveries,
      description: 'outbound dispatcher: one delivery attempt per message, shared by every replica',
      // Deliveries waiting for their next retry stay unacknowledged and count here: a low cap would let
      // a few dead receivers stop every delivery. The work consumer warns as it nears the cap.
      maxAckPending: this.options.maxAckPending,
      // Longer than one attempt can take (three times its timeout): a message is handed to another
      // replica only when its replica died.
      ackWaitMs: 3 * this.options.deliveryTimeoutMs,
    });
    // A URL's limit is its webhook's own rate when lower than the platform's (the worker knows it).
    this.perUrl = new GossipRateLimiter(
      () => this.client.nc,
      {
        subject: this.subjects.outboundRateLimit,
        instanceId: randomUUID(),
        limitOf: (url) =>
          this.worker?.limitOf(url) ?? { perSecond: this.options.ratePerUrl, burst: this.options.ratePerUrl },
      },
      this.logger,
    );
    const journal = new DeliveryJournal(this.dataSource);
    // The attempts' outcomes are folded into each webhook's health once a second (health.ts).
    this.healthFlush = new PeriodicTask(
      () => journal.flushHealth(),
      1000,
      (error) => this.logger.warn({ err: error }, 'webhook health bookkeeping failed; kept for the next second'),
    );
    this.healthFlush.start();
    this.journal = journal;
    const worker = new DeliveryWorker(
      this.directory,
      this.sender,
      secretBoxOf(this.options),
      journal,
      this.schedule,
      this.logger,
      this.perUrl,
      new DeliveryMetrics(this.metrics),
      this.options.ratePerUrl,
      this.options.deliveryTimeoutMs,
    );
    this.worker = worker; // read by the rate limiter's limitOf, created before it
    this.consumer = new WorkConsumer(
      this.client,
      {
        stream: this.streams.deliveries,
        durable: DISPATCH_CONSUMER,
        maxInFlight: IN_FLIGHT,
        handle: (msg) => worker.handle(msg),
        stallAfterMs: this.config.DAALU_STALL_AFTER_S * 1000,
      },
      this.deadLetters,
      this.metrics,
      this.logger,
      this.readiness,
    );
    this.consumer.start();
    this.closer = new BatchCloser(this.dataSource, this.directory, this.publisher, this.subjects, this.logger);
    this.closer.start();
    this.health = new HealthWatch(
      this.dataSource,
      this.directory,
      this.webhooks,
      this.publisher,
      this.subjects,
      this.options.disableAfterMs,
      this.logger,
    );
    this.health.start();
    this.recoveries = new RecoveryPublisher(
      this.dataSource,
      this.directory,
      this.publisher,
      this.subjects,
      this.options.ratePerUrl,
      this.logger,
    );
    this.recoveries.start();
    // The history keeps 30 days, the chart's minutes two; hourly (idempotent, so any replica may do it).
    this.purgeTimer = setInterval(
      () => {
        const cutoff = new Date(Date.now() - HISTORY_DAYS * 86_400_000);
        Promise.all([
          purgeDeliveries(this.dataSource, cutoff),
          purgeBatches(this.dataSource, cutoff),
          purgeRecoveries(this.dataSource, cutoff),
          purgeHealthMinutes(this.dataSource, new Date(Date.now() - 2 * 86_400_000)),
        ]).catch((error: unknown) =>
          this.logger.warn({ err: error }, 'delivery history purge failed; next hour again'),
        );
      },
      60 * 60 * 1000,
    );
    this.purgeTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.purgeTimer);
    await Promise.all([this.closer?.stop(), this.health?.stop(), this.recoveries?.stop()]);
    await this.consumer?.stop();
    await this.healthFlush?.stop();
    await this.journal?.flushHealth().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'webhook health bookkeeping of the last second could not be written');
    });
    this.perUrl?.close();
  }
}

/** Deliveries: the fan-out of facts to webhooks, and the shared consumer that sends them. */
@Module({})
export class DeliveriesModule {
  static forRoot(options: OutboundOptions, schedule: RetrySchedule): DynamicModule {
    return {
      module: DeliveriesModule,
      imports: [WebhooksModule.forRoot(options), TenancyModule],
      controllers: [WebhooksController, DeliveriesController, RecoveriesController],
      providers: [
        { provide: RETRY_SCHEDULE, useValue: schedule },
        DeliveryConsumer,
        {
          provide: WebhookFanout,
          inject: [ProjectionHost, STREAM_NAMES, SUBJECTS, WebhookDirectory, JetStreamPublisher],
          useFactory: (
            host: ProjectionHost,
            streams: StreamNames,
            subjects: Subjects,
            directory: WebhookDirectory,
            publisher: JetStreamPublisher,
          ) => {
            const fanout = new WebhookFanout(streams, subjects, directory, publisher);
            host.register(fanout);
            return fanout;
          },
        },
      ],
    };
  }
}
