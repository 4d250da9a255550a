import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import { configCodecFor, type StreamNames, type Subjects, type WebhookResealed } from '@daalu/contracts';
import { isWrongLastSequence, JetStreamPublisher, NatsClient, STREAM_NAMES, SUBJECTS } from '@daalu/platform/jetstream';
import { hasChanges, planReseal, type SecretBox, type UnopenedValue } from '@daalu/outbound/domain';
import { OUTBOUND_OPTIONS, secretBoxOf, type OutboundOptions } from '../outbound-options';
import { WebhookDirectory, type StoredWebhook } from '../webhooks/webhook-directory';

/** Namespace of `webhook.resealed` ids (fixed: the same plan of a webhook gets the same id). */
const NAMESPACE = '6f1c2b7e-94d3-4a58-b0e2-3c7d9a1e5f42';
/** A webhook that keeps changing under the re-seal is read again this many times, then reported. */
const MAX_ATTEMPTS = 5;

export interface ResealOptions {
  /** Report what would move without publishing. */
  dryRun: boolean;
  /** One line of progress for the operator (never a plain value). */
  progress(line: string): void;
}

/** A value that could not be opened, and whose webhook it belongs to. */
export interface UnopenedWebhookValue extends UnopenedValue {
  tenantId: string;
  webhookId: string;
}

export interface ResealReport {
  webhooksChecked: number;
  /** Webhooks with a `webhook.resealed` published (or that would have one, in a dry run). */
  webhooksResealed: number;
  valuesResealed: number;
  /** Values moved, by the fingerprint of the key they were sealed with. */
  byOldKey: Record<string, number>;
  unopened: UnopenedWebhookValue[];
  /** Webhooks that changed under the re-seal every time it tried (run it again). */
  contended: Array<{ tenantId: string; webhookId: string }>;
  currentKey: string;
}

/**
 * After a change of `DAALU_SECRET_KEY`, seals again with it every value still in use that an older key
 * sealed: the latest custom headers of each webhook and the secrets still signing. One
 * `webhook.resealed` per webhook, on its subject, expecting the sequence the plan was made from: a
 * tenant's change in between wins, and the webhook is read again and planned anew.
 */
@Injectable()
export class SecretResealer {
  private readonly box: SecretBox;

  constructor(
    private readonly directory: WebhookDirectory,
    private readonly publisher: JetStreamPublisher,
    private readonly client: NatsClient,
    @Inject(STREAM_NAMES) private readonly streams: StreamNames,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
    @Inject(OUTBOUND_OPTIONS) options: OutboundOptions,
  ) {
    this.box = secretBoxOf(options);
  }

  async run(options: ResealOptions): Promise<ResealReport> {
    await this.directory.untilCaughtUp();
    const webhooks = this.directory.all();
    const report: ResealReport = {
      webhooksChecked: 0,
      webhooksResealed: 0,
      valuesResealed: 0,
      byOldKey: {},
      unopened: [],
      contended: [],
      currentKey: this.box.currentKey,
    };
    const correlationId = uuidv7();
    options.progress(
      `reseal: ${webhooks.length} webhook(s) to check; current key ${this.box.currentKey}${options.dryRun ? ' (dry run: nothing is published)' : ''}`,
    );
    for (const webhook of webhooks) {
      await this.resealOne(webhook.tenantId, webhook.id, correlationId, options, report);
      report.webhooksChecked++;
      if (report.webhooksChecked % 100 === 0) {
        options.progress(`reseal: checked ${report.webhooksChecked} / ${webhooks.length} webhook(s)`);
      }
    }
    return report;
  }

  private async resealOne(
    tenantId: string,
    webhookId: string,
    correlationId: string,
    options: ResealOptions,
    report: ResealReport,
  ): Promise<void> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const webhook = this.directory.get(tenantId, webhookId);
      if (!webhook) return; // deleted meanwhile: nothing of it is in use
      const plan = planReseal(
        { headers: webhook.sealedHeaders, secrets: this.directory.signingSecrets(webhook, Date.now()) },
        this.box,
      );
      if (hasChanges(plan) && !options.dryRun) {
        const stored = await this.publish(webhook, plan.headers, plan.secrets, correlationId);
        if (!stored) {
          options.progress(`reseal: webhook ${webhookId} (tenant ${tenantId}) changed meanwhile; reading it again`);
          continue;
        }
      }
      for (const unopened of plan.unopened) report.unopened.push({ ...unopened, tenantId, webhookId });
      if (!hasChanges(plan)) return;
      report.webhooksResealed++;
      report.valuesResealed += plan.moved.length;
      for (const { fromKey } of plan.moved) report.byOldKey[fromKey] = (report.byOldKey[fromKey] ?? 0) + 1;
      options.progress(
        `reseal: webhook ${webhookId} (tenant ${tenantId}): ${plan.moved.map((m) => `${m.value} from ${m.fromKey}`).join(', ')}` +
          (options.dryRun ? ' (would be re-sealed)' : ' re-sealed'),
      );
      return;
    }
    report.contended.push({ tenantId, webhookId });
  }

  /** Publishes the webhook's `webhook.resealed`; false when the webhook changed since it was read. */
  private async publish(
    webhook: StoredWebhook,
    sealedHeaders: Record<string, string> | undefined,
    secrets: Array<{ id: string; sealed: string }>,
    correlationId: string,
  ): Promise<boolean> {
    const subject = `${this.subjects.config(webhook.tenantId, 'webhook')}.${webhook.id}`;
    const fact: WebhookResealed = {
      schemaVersion: 1,
      kind: 'webhook.resealed',
      // Derived from what the plan was made from: a publish retried after a lost acknowledgement is stored once.
      id: uuidv5(`${webhook.id}|${webhook.sequence}|${this.box.currentKey}`, NAMESPACE),
      tenantId: webhook.tenantId,
      correlationId,
      causationId: null,
      occurredAt: new Date().toISOString(),
      webhookId: webhook.id,
      ...(sealedHeaders ? { sealedHeaders } : {}),
      secrets: secrets.map(({ id, sealed }) => ({ secretId: id, sealedSecret: sealed })),
    };
    try {
      const ack = await this.publisher.publish(subject, configCodecFor('webhook.resealed'), fact, {
        expectLastSubjectSequence: webhook.sequence,
      });
      await this.directory.waitFor(ack.seq);
      return true;
    } catch (error) {
      if (!isWrongLastSequence(error)) throw error;
      // Someone wrote the webhook in between: wait until the directory has it, then plan again.
      const last = await this.client.jsm.streams.getMessage(this.streams.config, { last_by_subj: subject });
      if (last) await this.directory.waitFor(last.seq);
      return false;
    }
  }
}
