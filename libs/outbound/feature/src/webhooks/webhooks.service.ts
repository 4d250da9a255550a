import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  configCodecFor,
  userFactHeader,
  type ConfigFact,
  type MessageCodec,
  type Subjects,
  type WebhookSpec,
} from '@daalu/contracts';
import { problem, ProblemException, publishFailureProblem } from '@daalu/platform/http';
import { JetStreamPublisher, SUBJECTS } from '@daalu/platform/jetstream';
import { generateSigningSecret, type SecretBox } from '@daalu/outbound/domain';
import { HttpSender, RefusedUrlError } from '../delivery/http-sender';
import { OUTBOUND_OPTIONS, secretBoxOf, type OutboundOptions } from '../outbound-options';
import { WebhookDirectory, type StoredWebhook } from './webhook-directory';

export const webhookNotFound = () => new ProblemException(problem(404, 'not-found', 'Not found', 'no such webhook'));

type WebhookFact = Extract<ConfigFact, { kind: `webhook.${string}` }>;

/**
 * Webhooks as facts on CONFIG, each on its own subject with the expected last sequence (two concurrent
 * changes of one webhook: one 409). Secrets and header values are sealed before they leave the process;
 * the plain secret is returned at creation and rotation, and on an audited reveal.
 */
@Injectable()
export class WebhooksService {
  private readonly box: SecretBox;

  constructor(
    private readonly publisher: JetStreamPublisher,
    private readonly directory: WebhookDirectory,
    private readonly sender: HttpSender,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
    @Inject(OUTBOUND_OPTIONS) private readonly options: OutboundOptions,
  ) {
    this.box = secretBoxOf(options);
  }

  async create(
    tenantId: string,
    spec: WebhookSpec,
    headers: Record<string, string>,
    actor: string,
  ): Promise<{ webhook: StoredWebhook; secret: string }> {
    await this.checkUrl(spec.url);
    const webhookId = uuidv7();
    const seq = await this.publish(tenantId, webhookId, 0, {
      ...header('webhook.saved', tenantId, actor),
      webhookId,
      version: 1,
      webhook: spec,
      sealedHeaders: this.seal(headers),
    });
    const secret = generateSigningSecret();
    await this.publish(tenantId, webhookId, seq, {
      ...header('webhook.secret-issued', tenantId, actor),
      webhookId,
      secretId: uuidv7(),
      sealedSecret: this.box.seal(secret),
      previousSecretId: null,
      previousExpiresAt: null,
    });
    return { webhook: this.directory.get(tenantId, webhookId)!, secret };
  }

  /** Replaces the spec; `headers` undefined keeps the current custom headers. */
  async replace(
    tenantId: string,
    webhookId: string,
    spec: WebhookSpec,
    headers: Record<string, string> | undefined,
    actor: string,
  ): Promise<StoredWebhook> {
    const current = this.existing(tenantId, webhookId);
    await this.checkUrl(spec.url);
    await this.publish(tenantId, webhookId, current.sequence, {
      ...header('webhook.saved', tenantId, actor),
      webhookId,
      version: current.version + 1,
      webhook: spec,
      sealedHeaders: headers === undefined ? current.sealedHeaders : this.seal(headers),
    });
    return this.directory.get(tenantId, webhookId)!;
  }

  /**
   * Disables a webhook on Daalu's own account (its receiver failing for days, or gone), saying why in
   * `disabledReason`. A concurrent change by its owner wins: read again and tried once more. False when
   * there is nothing to do (deleted, or disabled already).
   */
  async disable(tenantId: string, webhookId: string, reason: string): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const current = this.directory.get(tenantId, webhookId);
      if (!current || !current.spec.enabled) return false;
      try {
        await this.publish(tenantId, webhookId, current.sequence, {
          ...header('webhook.saved', tenantId, DAALU_ACTOR),
          webhookId,
          version: current.version + 1,
          webhook: { ...current.spec, enabled: false, disabledReason: reason },
          sealedHeaders: current.sealedHeaders,
        });
        return true;
      } catch (error) {
        if (attempt >= 2 || !(error instanceof ProblemException) || error.getStatus() !== 409) throw error;
      }
    }
  }

  async delete(tenantId: string, webhookId: string, actor: string): Promise<void> {
    const current = this.existing(tenantId, webhookId);
    await this.publish(tenantId, webhookId, current.sequence, {
      ...header('webhook.deleted', tenantId, actor),
      webhookId,
    });
  }

  /** The current signing secret, recording who asked (a `webhook.secret-revealed` fact). */
  async reveal(tenantId: string, webhookId: string, actor: string): Promise<{ secret: string; secretId: string }> {
    const current = this.existing(tenantId, webhookId);
    const [secret] = current.secrets;
    await this.publish(tenantId, webhookId, current.sequence, {
      ...header('webhook.secret-revealed', tenantId, actor),
      webhookId,
      secretId: secret.id,
      actor,
    });
    return { secret: this.box.open(secret.sealed), secretId: secret.id };
  }

  /** A new secret; the current one keeps signing for the grace period (24 h by default). */
  async rotate(
    tenantId: string,
    webhookId: string,
    actor: string,
  ): Promise<{ secret: string; previousExpiresAt: string }> {
    const current = this.existing(tenantId, webhookId);
    const secret = generateSigningSecret();
    const previousExpiresAt = new Date(Date.now() + this.options.keyGraceSeconds * 1000).toISOString();
    await this.publish(tenantId, webhookId, current.sequence, {
      ...header('webhook.secret-issued', tenantId, actor),
      webhookId,
      secretId: uuidv7(),
      sealedSecret: this.box.seal(secret),
      previousSecretId: current.secrets[0]?.id ?? null,
      previousExpiresAt,
    });
    return { secret, previousExpiresAt };
  }

  private existing(tenantId: string, webhookId: string): StoredWebhook {
    const webhook = this.directory.get(tenantId, webhookId);
    if (!webhook) throw webhookNotFound();
    return webhook;
  }

  private seal(headers: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, this.box.seal(value)]));
  }

  private async checkUrl(url: string): Promise<void> {
    try {
      await this.sender.checkUrl(url);
    } catch (error) {
      if (!(error instanceof RefusedUrlError)) throw error;
      throw new ProblemException(
        problem(400, 'invalid-body', 'Invalid body', `url: ${error.message}`, {
          errors: [{ field: 'url', message: error.message }],
        }),
      );
    }
  }

  private async publish(
    tenantId: string,
    webhookId: string,
    expectLastSubjectSequence: number,
    fact: WebhookFact,
  ): Promise<number> {
    let seq: number;
    try {
      const codec = configCodecFor(fact.kind) as MessageCodec<WebhookFact>;
      const subject = `${this.subjects.config(tenantId, 'webhook')}.${webhookId}`;
      seq = (await this.publisher.publish(subject, codec, fact, { expectLastSubjectSequence })).seq;
    } catch (error) {
      throw publishFailureProblem(error, 'the webhook changed meanwhile; read it and retry');
    }
    await this.directory.waitFor(seq);
    return seq;
  }
}

/** Who a change Daalu makes on its own account (an automatic disable) is recorded as. */
export const DAALU_ACTOR = 'daalu';

function header<K extends WebhookFact['kind']>(kind: K, tenantId: string, actor: string) {
  return { ...userFactHeader(kind, tenantId, uuidv7()), occurredAt: new Date().toISOString(), actor };
}
