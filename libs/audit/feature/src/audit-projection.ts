import type { EntityManager } from 'typeorm';
import type { ApiTokenDirectory } from '@daalu/platform/tenancy';
import type { Sequenced } from '@daalu/platform/projection';
import { deleteTenantAudit, insertAuditRows, lastTargetName, type AuditRow } from '@daalu/audit/data-access';
import { auditRowOf, type AuditedFact } from './audit-rows';

/** What the audit projections take from a decoded message: a fact, the tenant's deletion, or nothing. */
export type AuditMessage = AuditedFact | { kind: 'tenant.deleted'; tenantId: string } | null;

/**
 * Applies one batch of audit facts in log order, in the batch's transaction: facts of a tenant this app
 * knows to be deleted are skipped, a `tenant.deleted` erases the tenant's entries (after the rows before
 * it in the batch are written), and an entry whose fact lacks its target's name (a deletion, a revocation)
 * gets the name of the target's latest entry. Idempotent: rows are keyed by the fact's id.
 */
export async function applyAuditBatch(
  batch: Sequenced<AuditMessage>[],
  manager: EntityManager,
  stream: string,
  apiTokens: ApiTokenDirectory,
  keep: (row: AuditRow) => boolean = () => true,
): Promise<void> {
  let pending: AuditRow[] = [];
  const names = new Map<string, string>();
  const flush = async () => {
    await insertAuditRows(manager, pending);
    pending = [];
  };
  for (const { seq, message } of batch) {
    if (!message) continue;
    if (message.kind === 'tenant.deleted') {
      await flush();
      await deleteTenantAudit(manager, message.tenantId);
      for (const key of names.keys()) if (key.startsWith(`${message.tenantId}:`)) names.delete(key);
      continue;
    }
    if (apiTokens.isDeleted(message.tenantId)) continue;
    const row = auditRowOf(message, stream, seq);
    if (!keep(row)) continue;
    if (row.targetId !== null) {
      const key = `${row.tenantId}:${row.targetType}:${row.targetId}`;
      if (row.targetName === null) {
        row.targetName = names.get(key) ?? (await lastTargetName(manager, row.tenantId, row.targetType, row.targetId));
      }
      if (row.targetName !== null) names.set(key, row.targetName);
    }
    pending.push(row);
  }
  await flush();
}
