import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager } from 'typeorm';
import { decodeConfigFact, type StreamNames } from '@daalu/contracts';
import type { Projection, Sequenced } from '@daalu/platform/projection';
import type { ApiTokenDirectory } from '@daalu/platform/tenancy';
import { deleteStreamAudit } from '@daalu/audit/data-access';
import { applyAuditBatch, type AuditMessage } from './audit-projection';

export const AUDIT_CONFIG_PROJECTION = 'audit-config';

/**
 * Every fact of the CONFIG stream (tenants, keys, tokens, rules, webhooks), into the audit log: kept as
 * long as the stream keeps them, forever. A fact that cannot be decoded is a PoisonMessageError (the
 * runner dead-letters it and goes on); a kind this version does not know is skipped.
 */
export class AuditConfigProjection implements Projection<AuditMessage> {
  readonly name = AUDIT_CONFIG_PROJECTION;
  /** Ingest does not wait for the audit log: catching up (a first start replays CONFIG) leaves the gateway ready. */
  readonly gatesReadiness = false;
  readonly stream: string;
  /** Every subject of the stream. */
  readonly filterSubject = '';

  constructor(
    streams: StreamNames,
    private readonly apiTokens: ApiTokenDirectory,
  ) {
    this.stream = streams.config;
  }

  decode(msg: JsMsg): AuditMessage {
    return decodeConfigFact(msg.headers, msg.data);
  }

  apply(batch: Sequenced<AuditMessage>[], manager: EntityManager): Promise<void> {
    return applyAuditBatch(batch, manager, this.stream, this.apiTokens);
  }

  reset(manager: EntityManager): Promise<void> {
    return deleteStreamAudit(manager, this.stream);
  }
}
