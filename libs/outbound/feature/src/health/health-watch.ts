import type { DataSource } from 'typeorm';
import { EventIngestedCodec, eventIngested, type Severity, type Subjects } from '@daalu/contracts';
import type { JetStreamPublisher } from '@daalu/platform/jetstream';
import type { Logger } from '@daalu/platform/observability';
import { truncateWithEllipsis } from '@daalu/shared/text';
import {
  disableLongFailing,
  tellUnnotified,
  type HealthState,
  type UnnotifiedChange,
} from '@daalu/outbound/data-access';
import { healthFactIdOf } from '@daalu/outbound/domain';
import { PeriodicTask } from '../periodic-task';
import type { WebhookDirectory } from '../webhooks/webhook-directory';
import type { WebhooksService } from '../webhooks/webhooks.service';

/** The event types that tell a webhook's health on its tenant's timeline (source `daalu`, module `webhooks`). */
export const HEALTH_EVENT_TYPES: Record<HealthState, string> = {
  failing: 'daalu.webhook.failing',
  healthy: 'daalu.webhook.recovered',
  disabled: 'daalu.webhook.disabled',
};

const SEVERITY: Record<HealthState, Severity> = { failing: 'warning', healthy: 'info', disabled: 'critical' };

/** Changes told per tick at most (the rest at the next). */
const TELL_BATCH = 100;

/**
 * Notify, then disable. Every second, on every replica (each row is taken by one):
 *  - webhooks whose attempts have failed without a success for `disableAfterMs` are marked disabled;
 *  - each change of a webhook's health not yet told is told: a webhook Daalu disabled is first
 *    disabled on the log (`webhook.saved` with `enabled: false` and `disabledReason`), then an event
 *    lands on the tenant's timeline (`daalu.webhook.failing`, `.recovered`, `.disabled`), where it
 *    shows in the console and the live stream and can fire alert rules and other webhooks.
 * The event's id derives from the change's number, so a tell retried after a crash is stored once.
 */
export class HealthWatch {
  private readonly task = new PeriodicTask(
    () => this.tick(),
    1000,
    (error) => this.logger.warn({ err: error }, 'webhook health check failed; next second again'),
  );

  constructor(
    private readonly db: DataSource,
    private readonly directory: WebhookDirectory,
    private readonly webhooks: WebhooksService,
    private readonly publisher: JetStreamPublisher,
    private readonly subjects: Subjects,
    private readonly disableAfterMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  async tick(): Promise<void> {
    for (const disabled of await disableLongFailing(this.db, this.disableAfterMs)) {
      this.logger.warn(disabled, 'webhook failing for too long: disabling it');
    }
    await tellUnnotified(
      this.db,
      TELL_BATCH,
      (change) => this.tell(change),
      (change, error) =>
        this.logger.warn(
          { err: error, webhookId: change.webhookId },
          'could not tell a webhook health change; retrying',
        ),
    );
  }

  private async tell(change: UnnotifiedChange): Promise<void> {
    const webhook = this.directory.get(change.tenantId, change.webhookId);
    if (!webhook) return; // deleted meanwhile: nobody to tell about
    if (change.state === 'disabled') {
      await this.webhooks.disable(change.tenantId, change.webhookId, change.disabledReason ?? 'disabled by Daalu');
    }
    const name = webhook.spec.description || webhook.spec.url;
    const summary =
      change.state === 'failing'
        ? `Webhook ${name} is failing: ${change.lastError ?? 'no answer'}`
        : change.state === 'disabled'
          ? `Webhook ${name} was disabled: ${change.disabledReason ?? 'disabled by Daalu'}`
          : `Webhook ${name} is delivering again`;
    const id = healthFactIdOf(change.webhookId, change.transitionSeq);
    const fact = eventIngested(
      id,
      change.tenantId,
      {
        type: HEALTH_EVENT_TYPES[change.state],
        module: 'webhooks',
        source: 'daalu',
        severity: SEVERITY[change.state],
        summary: truncateWithEllipsis(summary, 1024),
        payload: {
          webhookId: change.webhookId,
          url: webhook.spec.url,
          description: webhook.spec.description,
          state: change.state,
          consecutiveFailures: change.consecutiveFailures,
          lastError: change.lastError,
          lastStatus: change.lastStatus,
          lastSuccessAt: change.lastSuccessAt,
          failingSince: change.failingSince,
          disabledReason: change.state === 'disabled' ? change.disabledReason : null,
        },
      },
      new Date().toISOString(),
    );
    await this.publisher.publish(this.subjects.event(change.tenantId), EventIngestedCodec, fact);
    this.logger.info({ webhookId: change.webhookId, state: change.state, eventId: id }, 'told a webhook health change');
  }
}
