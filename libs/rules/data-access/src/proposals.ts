import type { EntityManager } from 'typeorm';
import type { ProposalFact } from '@daalu/contracts';

export type ProposalState = 'pending' | 'approved' | 'rejected';

/** One proposal as the API shows it. */
export interface ProposalView {
  id: string;
  kind: string;
  title: string;
  payload: Record<string, unknown>;
  state: ProposalState;
  createdAt: string;
  createdBy: string;
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
}

/** Applies one proposal fact at its log position (idempotent: a fact at or below `last_seq` is ignored). */
export async function applyProposalFact(manager: EntityManager, fact: ProposalFact, seq: number): Promise<void> {
  if (fact.kind === 'proposal.created') {
    await manager.query(
      `INSERT INTO proposal (proposal_id, tenant_id, kind, title, payload, state, created_at, created_by, last_seq)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8) ON CONFLICT (proposal_id) DO NOTHING`,
      [
        fact.proposalId,
        fact.tenantId,
        fact.proposalKind,
        fact.title,
        JSON.stringify(fact.payload),
        fact.occurredAt,
        fact.actor,
        seq,
      ],
    );
    return;
  }
  await manager.query(
    `UPDATE proposal SET state = $3, decided_at = $4, decided_by = $5, reason = $6, last_seq = $7
      WHERE proposal_id = $1 AND tenant_id = $2 AND last_seq < $7`,
    [
      fact.proposalId,
      fact.tenantId,
      fact.kind === 'proposal.approved' ? 'approved' : 'rejected',
      fact.occurredAt,
      fact.actor,
      fact.reason,
      seq,
    ],
  );
}

interface Row {
  proposal_id: string;
  kind: string;
  title: string;
  payload: Record<string, unknown>;
  state: ProposalState;
  created_at: Date;
  created_by: string;
  decided_at: Date | null;
  decided_by: string | null;
  reason: string | null;
  last_seq: string;
  at: string;
}

function view(row: Row): ProposalView {
  return {
    id: row.proposal_id,
    kind: row.kind,
    title: row.title,
    payload: row.payload,
    state: row.state,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    decidedAt: row.decided_at ? row.decided_at.toISOString() : null,
    decidedBy: row.decided_by,
    reason: row.reason,
  };
}

type Db = { query(sql: string, params: unknown[]): Promise<unknown> };

const SELECT = `SELECT *, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at FROM proposal`;

/** One proposal of a tenant, with the log position of its last fact (for the next decision). */
export async function findProposal(
  db: Db,
  tenantId: string,
  id: string,
): Promise<{ view: ProposalView; lastSeq: number } | null> {
  const rows = (await db.query(`${SELECT} WHERE tenant_id = $1 AND proposal_id = $2`, [tenantId, id])) as Row[];
  return rows[0] ? { view: view(rows[0]), lastSeq: Number(rows[0].last_seq) } : null;
}

/** A tenant's proposals, newest first, in keyset pages on (createdAt, id). */
export async function listProposals(
  db: Db,
  tenantId: string,
  state: ProposalState | undefined,
  limit: number,
  cursor?: { at: string; id: string },
): Promise<{ items: ProposalView[]; nextCursor: { at: string; id: string } | null }> {
  const params: unknown[] = [tenantId];
  const where = ['tenant_id = $1'];
  if (state) {
    params.push(state);
    where.push(`state = $${params.length}`);
  }
  if (cursor) {
    params.push(cursor.at, cursor.id);
    where.push(`(created_at, proposal_id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  const rows = (await db.query(
    `${SELECT} WHERE ${where.join(' AND ')} ORDER BY created_at DESC, proposal_id DESC LIMIT ${limit + 1}`,
    params,
  )) as Row[];
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(view), nextCursor: rows.length > limit ? { at: last.at, id: last.proposal_id } : null };
}
