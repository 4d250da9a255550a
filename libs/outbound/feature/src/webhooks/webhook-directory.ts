import { Inject, Injectable } from '@nestjs/common';
import type { ConfigFact, WebhookSpec } from '@daalu/contracts';
import { NatsClient, STREAM_NAMES, type StreamNames } from '@daalu/platform/jetstream';
import { LOGGER, Readiness, type Logger } from '@daalu/platform/observability';
import { ConfigFactsFollower } from '@daalu/platform/tenancy';
import { compileTrigger, type CompiledTrigger } from '@daalu/outbound/domain';

/** A signing secret, sealed; `expiresAt` is set once a newer one replaced it (epoch ms). */
export interface StoredSecret {
  id: string;
  sealed: string;
  issuedAt: string;
  expiresAt: number | null;
}

/** A webhook as the dispatcher knows it: the spec, its sealed header values and secrets. */
export interface StoredWebhook {
  id: string;
  tenantId: string;
  version: number;
  spec: WebhookSpec;
  sealedHeaders: Record<string, string>;
  /** Newest first. */
  secrets: StoredSecret[];
  createdAt: string;
  /** `createdAt` in epoch ms (compared with every fact's time by the fan-out). */
  createdAtMs: number;
  updatedAt: string;
  /** Stream sequence of the webhook subject's last fact (for the next change's expectation). */
  sequence: number;
}

/** Every tenant's webhooks, in memory, from the CONFIG stream; ready once loaded. */
@Injectable()
export class WebhookDirectory extends ConfigFactsFollower {
  private readonly byTenant = new Map<string, Map<string, StoredWebhook>>();
  /** Compiled triggers by spec: each `webhook.saved` brings a new spec, so one compile per webhook version. */
  private readonly triggers = new WeakMap<WebhookSpec, CompiledTrigger>();

  constructor(
    client: NatsClient,
    @Inject(STREAM_NAMES) streams: StreamNames,
    @Inject(LOGGER) logger: Logger,
    readiness: Readiness,
  ) {
    super('webhooks', client, streams, logger, readiness);
  }

  list(tenantId: string): StoredWebhook[] {
    return [...(this.byTenant.get(tenantId)?.values() ?? [])];
  }

  /** Every tenant's webhooks (for operator commands such as `reseal`). */
  all(): StoredWebhook[] {
    return [...this.byTenant.values()].flatMap((hooks) => [...hooks.values()]);
  }

  get(tenantId: string, webhookId: string): StoredWebhook | undefined {
    return this.byTenant.get(tenantId)?.get(webhookId);
  }

  /** The webhook's trigger compiled (type glob, payload conditions), once per version, for the fan-out. */
  trigger(webhook: StoredWebhook): CompiledTrigger {
    let compiled = this.triggers.get(webhook.spec);
    if (!compiled) this.triggers.set(webhook.spec, (compiled = compileTrigger(webhook.spec.trigger)));
    return compiled;
  }

  /** The secrets a delivery at `now` is signed with: the current one, and one still in its grace period. */
  signingSecrets(webhook: StoredWebhook, now: number): StoredSecret[] {
    return webhook.secrets.filter((secret) => secret.expiresAt === null || secret.expiresAt > now).slice(0, 2);
  }

  protected apply(fact: ConfigFact, seq: number): void {
    if (fact.kind === 'tenant.deleted') {
      // Its webhooks go at once: deliveries still queued for them are dropped as for a deleted webhook.
      this.byTenant.delete(fact.tenantId);
      return;
    }
    if (!fact.kind.startsWith('webhook.')) return;
    let hooks = this.byTenant.get(fact.tenantId);
    if (!hooks) this.byTenant.set(fact.tenantId, (hooks = new Map()));
    switch (fact.kind) {
      case 'webhook.saved': {
        const previous = hooks.get(fact.webhookId);
        hooks.set(fact.webhookId, {
          id: fact.webhookId,
          tenantId: fact.tenantId,
          version: fact.version,
          spec: fact.webhook,
          sealedHeaders: fact.sealedHeaders,
          secrets: previous?.secrets ?? [],
          createdAt: previous?.createdAt ?? fact.occurredAt,
          createdAtMs: previous?.createdAtMs ?? Date.parse(fact.occurredAt),
          updatedAt: fact.occurredAt,
          sequence: seq,
        });
        break;
      }
      case 'webhook.secret-issued': {
        const hook = hooks.get(fact.webhookId);
        if (!hook) break;
        const previous = hook.secrets.find((secret) => secret.id === fact.previousSecretId);
        if (previous) previous.expiresAt = fact.previousExpiresAt ? Date.parse(fact.previousExpiresAt) : 0;
        // Only the new secret and one in its grace period matter; older ones are gone for good.
        hook.secrets = [
          { id: fact.secretId, sealed: fact.sealedSecret, issuedAt: fact.occurredAt, expiresAt: null },
          ...(previous ? [previous] : []),
        ];
        hook.sequence = seq;
        break;
      }
      case 'webhook.resealed': {
        // The same plain values under the current key: seals replaced in place, nothing else changes
        // (not the version, nor the expiry of a secret in its grace period).
        const hook = hooks.get(fact.webhookId);
        if (!hook) break;
        if (fact.sealedHeaders) hook.sealedHeaders = fact.sealedHeaders;
        for (const { secretId, sealedSecret } of fact.secrets) {
          const secret = hook.secrets.find((candidate) => candidate.id === secretId);
          if (secret) secret.sealed = sealedSecret;
        }
        hook.sequence = seq;
        break;
      }
      case 'webhook.secret-revealed': {
        const hook = hooks.get(fact.webhookId);
        if (hook) hook.sequence = seq;
        break;
      }
      case 'webhook.deleted':
        hooks.delete(fact.webhookId);
        break;
    }
  }
}
