import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { stringifyStorable } from '@daalu/shared/text';

/** What an entry is about. */
export const AUDIT_TARGET_TYPES = [
  'tenant',
  'ingest-key',
  'api-token',
  'alert-rule',
  'alert',
  'silence',
  'check',
  'webhook',
  'proposal',
] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/** Every action the audit log records (docs/audit.md). */
export const AUDIT_ACTIONS = [
  'tenant.created',
  'tenant.rate-limit-set',
  'tenant.suspended',
  'tenant.resumed',
  'ingest-key.issued',
  'ingest-key.rotated',
  'ingest-key.previous-revoked',
  'api-token.issued',
  'api-token.revoked',
  'alert-rule.created',
  'alert-rule.updated',
  'alert-rule.deleted',
  'alert.acknowledged',
  'alert.unacknowledged',
  'alert.resolved',
  'silence.created',
  'silence.expired',
  'check.paused',
  'check.resumed',
  'webhook.created',
  'webhook.updated',
  'webhook.disabled',
  'webhook.deleted',
  'webhook.secret-issued',
  'webhook.secret-rotated',
  'webhook.secret-revealed',
  'webhook.resealed',
  'proposal.created',
  'proposal.approved',
  'proposal.rejected',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The table, as TypeORM knows it (written and read with SQL below; the migration is what defines it). */
@Entity({ name: 'audit_entry' })
@Index('audit_entry_tenant_time', ['tenantId', 'occurredAt', 'id'])
export class AuditEntry {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('text')
  action: string;

  @Column('text', { nullable: true })
  actor: string | null;

  @Column('text', { name: 'target_type' })
  targetType: string;

  @Column('text', { name: 'target_id', nullable: true })
  targetId: string | null;

  @Column('text', { name: 'target_name', nullable: true })
  targetName: string | null;

  @Column('jsonb')
  details: Record<string, unknown>;

  @Column('text')
  stream: string;

  @Column('bigint')
  seq: string;
}

/** One entry to record: the fact's id, where it is on the log, and what it says in audit terms. */
export interface AuditRow {
  id: string;
  tenantId: string;
  occurredAt: string;
  action: AuditAction;
  actor: string | null;
  targetType: AuditTargetType;
  targetId: string | null;
  targetName: string | null;
  details: Record<string, unknown>;
  stream: string;
  seq: number;
}

/** Records the rows in one statement; a fact recorded before (same id) is left as it is. */
export async function insertAuditRows(manager: EntityManager, rows: AuditRow[]): Promise<void> {
  if (rows.length === 0) return;
  const records = rows.map((row) => ({
    id: row.id,
    tenant_id: row.tenantId,
    occurred_at: row.occurredAt,
    action: row.action,
    actor: row.actor,
    target_type: row.targetType,
    target_id: row.targetId,
    target_name: row.targetName,
    details: row.details,
    stream: row.stream,
    seq: row.seq,
  }));
  await manager.query(
    `INSERT INTO audit_entry (id, tenant_id, occurred_at, action, actor, target_type, target_id, target_name,
                              details, stream, seq)
     SELECT id, tenant_id, occurred_at, action, actor, target_type, target_id, target_name,
            COALESCE(details, '{}'::jsonb), stream, seq
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, tenant_id uuid, occurred_at timestamptz, action text,
            actor text, target_type text, target_id text, target_name text, details jsonb, stream text, seq bigint)
     ON CONFLICT (id) DO NOTHING`,
    [stringifyStorable(records)],
  );
}

/**
 * The name a target had in its latest entry before now (a deletion or a revocation does not carry the
 * name; the entry of its creation or last change does).
 */
export async function lastTargetName(
  manager: EntityManager,
  tenantId: string,
  targetType: AuditTargetType,
  targetId: string,
): Promise<string | null> {
  const rows: Array<{ target_name: string }> = await manager.query(
    `SELECT target_name FROM audit_entry
      WHERE tenant_id = $1 AND target_type = $2 AND target_id = $3 AND target_name IS NOT NULL
      ORDER BY occurred_at DESC, id DESC LIMIT 1`,
    [tenantId, targetType, targetId],
  );
  return rows[0]?.target_name ?? null;
}

/** A deleted tenant: every entry of it goes. */
export async function deleteTenantAudit(manager: EntityManager, tenantId: string): Promise<number> {
  const result: [unknown[], number] = await manager.query(`DELETE FROM audit_entry WHERE tenant_id = $1`, [tenantId]);
  return result[1] ?? 0;
}

/** Entries of one stream (a projection's rebuild empties only its own). */
export async function deleteStreamAudit(
  manager: EntityManager,
  stream: string,
  targetType?: AuditTargetType,
): Promise<void> {
  // Two projections share the EVENTS stream's entries (proposals, alerts): each empties only its own.
  if (targetType) {
    await manager.query(`DELETE FROM audit_entry WHERE stream = $1 AND target_type = $2`, [stream, targetType]);
  } else await manager.query(`DELETE FROM audit_entry WHERE stream = $1`, [stream]);
}

/** Entries of `stream` that occurred before `cutoff`: the facts the log itself no longer keeps. */
export async function pruneAuditBefore(db: DataSource | EntityManager, stream: string, cutoff: Date): Promise<number> {
  const result: [unknown[], number] = await db.query(`DELETE FROM audit_entry WHERE stream = $1 AND occurred_at < $2`, [
    stream,
    cutoff.toISOString(),
  ]);
  return result[1] ?? 0;
}

/** What a listing may be narrowed to. */
export interface AuditFilter {
  /** An exact action. */
  action?: string;
  /** Actions starting with this (`webhook.` for `webhook.*`). */
  actionPrefix?: string;
  /** A substring of the actor, any case. */
  actor?: string;
  /** At or after (ISO 8601). */
  since?: string;
  /** Before (ISO 8601). */
  until?: string;
  /** Strictly older than this entry (the previous page's last). */
  after?: { at: string; id: string };
  limit: number;
}

/** One entry as the API shows it. */
export interface AuditEntryView {
  id: string;
  at: string;
  action: string;
  actor: string | null;
  target: { type: string; id: string | null; name: string | null };
  details: Record<string, unknown>;
}

/** A tenant's entries, newest first, and the position of the last when there are more. */
export async function listAuditEntries(
  db: DataSource | EntityManager,
  tenantId: string,
  filter: AuditFilter,
): Promise<{ items: AuditEntryView[]; next: { at: string; id: string } | null }> {
  const where = ['tenant_id = $1'];
  const params: unknown[] = [tenantId];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.action !== undefined) where.push(`action = ${param(filter.action)}`);
  if (filter.actionPrefix !== undefined) {
    where.push(`action LIKE ${param(`${escapeLike(filter.actionPrefix)}%`)} ESCAPE '\\'`);
  }
  if (filter.actor !== undefined) where.push(`actor ILIKE ${param(`%${escapeLike(filter.actor)}%`)} ESCAPE '\\'`);
  if (filter.since !== undefined) where.push(`occurred_at >= ${param(filter.since)}::timestamptz`);
  if (filter.until !== undefined) where.push(`occurred_at < ${param(filter.until)}::timestamptz`);
  if (filter.after) {
    where.push(`(occurred_at, id) < (${param(filter.after.at)}::timestamptz, ${param(filter.after.id)}::uuid)`);
  }
  const limit = param(filter.limit + 1);
  const rows: Array<{
    id: string;
    at: string;
    action: string;
    actor: string | null;
    target_type: string;
    target_id: string | null;
    target_name: string | null;
    details: Record<string, unknown>;
  }> = await db.query(
    `SELECT id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
            action, actor, target_type, target_id, target_name, details
       FROM audit_entry
      WHERE ${where.join(' AND ')}
      ORDER BY occurred_at DESC, id DESC
      LIMIT ${limit}`,
    params,
  );
  const page = rows.slice(0, filter.limit);
  const items = page.map((row): AuditEntryView => ({
    id: row.id,
    at: new Date(row.at).toISOString(),
    action: row.action,
    actor: row.actor,
    target: { type: row.target_type, id: row.target_id, name: row.target_name },
    details: row.details ?? {},
  }));
  const last = page[page.length - 1];
  return { items, next: rows.length > filter.limit && last ? { at: last.at, id: last.id } : null };
}

/** `%`, `_` and `\` match themselves. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
