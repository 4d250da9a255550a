import type { EntityManager } from 'typeorm';
import type { SilenceMatchers } from '@daalu/contracts';
import type { SilenceState } from '@daalu/rules/domain';

export type { SilenceState };

/** What the API shows of a silence. */
export interface SilenceView {
  id: string;
  state: 'pending' | 'active' | 'expired';
  matchers: SilenceMatchers;
  startsAt: string;
  endsAt: string;
  expiredAt: string | null;
  createdAt: string;
  createdBy: string;
  expiredBy: string | null;
  comment: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function loadSilences(manager: EntityManager): Promise<SilenceState[]> {
  const rows: Array<Record<string, unknown>> = await manager.query(`SELECT * FROM silence`);
  return rows.map((row) => ({
    silenceId: row.silence_id as string,
    tenantId: row.tenant_id as string,
    matchers: row.matchers as SilenceMatchers,
    startsAt: (row.starts_at as Date).getTime(),
    endsAt: (row.ends_at as Date).getTime(),
    expiredAt: row.expired_at ? (row.expired_at as Date).getTime() : null,
    createdAt: (row.created_at as Date).getTime(),
    createdBy: row.created_by as string,
    expiredBy: (row.expired_by as string | null) ?? null,
    comment: row.comment as string,
  }));
}

export async function saveSilences(manager: EntityManager, silences: SilenceState[]): Promise<void> {
  if (silences.length === 0) return;
  const json = JSON.stringify(
    silences.map((s) => ({
      ...s,
      startsAt: iso(s.startsAt),
      endsAt: iso(s.endsAt),
      expiredAt: iso(s.expiredAt),
      createdAt: iso(s.createdAt),
    })),
  );
  await manager.query(
    `INSERT INTO silence (silence_id, tenant_id, matchers, starts_at, ends_at, expired_at, created_at, created_by,
                          expired_by, comment)
     SELECT "silenceId", "tenantId", matchers, "startsAt", "endsAt", "expiredAt", "createdAt", "createdBy",
            "expiredBy", comment
       FROM jsonb_to_recordset($1::jsonb) AS x("silenceId" uuid, "tenantId" uuid, matchers jsonb,
            "startsAt" timestamptz, "endsAt" timestamptz, "expiredAt" timestamptz, "createdAt" timestamptz,
            "createdBy" text, "expiredBy" text, comment text)
     ON CONFLICT (silence_id) DO UPDATE SET expired_at = EXCLUDED.expired_at, expired_by = EXCLUDED.expired_by`,
    [json],
  );
}

/** A tenant's silences, latest end first: `active` (now within it), `pending` (not started) or `expired`. */
export async function listSilences(
  db: { query(sql: string, params: unknown[]): Promise<unknown> },
  tenantId: string,
  filter: { state?: SilenceView['state']; silenceId?: string },
  now = Date.now(),
): Promise<SilenceView[]> {
  const rows = (await db.query(
    `SELECT * FROM silence WHERE tenant_id = $1 AND ($2::uuid IS NULL OR silence_id = $2::uuid)
      ORDER BY ends_at DESC, silence_id DESC LIMIT 500`,
    [tenantId, filter.silenceId ?? null],
  )) as Array<Record<string, unknown>>;
  return rows
    .map((row): SilenceView => {
      const startsAt = (row.starts_at as Date).getTime();
      const endsAt = (row.ends_at as Date).getTime();
      const expiredAt = row.expired_at ? (row.expired_at as Date).getTime() : null;
      const end = Math.min(endsAt, expiredAt ?? Infinity);
      return {
        id: row.silence_id as string,
        state: now >= end ? 'expired' : now < startsAt ? 'pending' : 'active',
        matchers: row.matchers as SilenceMatchers,
        startsAt: new Date(startsAt).toISOString(),
        endsAt: new Date(endsAt).toISOString(),
        expiredAt: iso(expiredAt),
        createdAt: (row.created_at as Date).toISOString(),
        createdBy: row.created_by as string,
        expiredBy: (row.expired_by as string | null) ?? null,
        comment: row.comment as string,
      };
    })
    .filter((view) => filter.state === undefined || view.state === filter.state);
}
