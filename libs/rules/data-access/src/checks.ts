import type { EntityManager } from 'typeorm';
import type { CheckPauseState, CheckPing, CheckState } from '@daalu/rules/domain';

type Db = { query(sql: string, params?: unknown[]): Promise<unknown> };

const ms = (value: unknown) => (value ? (value as Date).getTime() : null);

function checkOf(row: Record<string, unknown>): CheckState {
  return {
    ruleId: row.rule_id as string,
    groupKey: row.group_key as string,
    tenantId: row.tenant_id as string,
    lastSeenAt: ms(row.last_seen_at),
    runStartedAt: ms(row.run_started_at),
    lastDurationMs: row.last_duration_ms === null ? null : Number(row.last_duration_ms),
    pings: row.pings as CheckPing[],
    firedAlertId: (row.fired_alert_id as string | null) ?? null,
  };
}

function pauseOf(row: Record<string, unknown>): CheckPauseState {
  return {
    ruleId: row.rule_id as string,
    tenantId: row.tenant_id as string,
    pausedAt: ms(row.paused_at),
    pausedBy: (row.paused_by as string | null) ?? null,
    resumedAt: ms(row.resumed_at),
  };
}

/** Every heartbeat check's state (what the evaluator starts from). */
export async function loadChecks(manager: EntityManager): Promise<CheckState[]> {
  return ((await manager.query(`SELECT * FROM absence_state`)) as Array<Record<string, unknown>>).map(checkOf);
}

export async function saveChecks(manager: EntityManager, checks: CheckState[]): Promise<void> {
  if (checks.length === 0) return;
  await manager.query(
    `INSERT INTO absence_state (rule_id, group_key, tenant_id, last_seen_at, run_started_at, last_duration_ms, pings,
                               fired_alert_id)
     SELECT "ruleId", "groupKey", "tenantId", to_timestamp("lastSeenAt" / 1000.0), to_timestamp("runStartedAt" / 1000.0),
            "lastDurationMs", pings, "firedAlertId"
       FROM jsonb_to_recordset($1::jsonb) AS x("ruleId" uuid, "groupKey" text, "tenantId" uuid, "lastSeenAt" bigint,
            "runStartedAt" bigint, "lastDurationMs" bigint, pings jsonb, "firedAlertId" uuid)
     ON CONFLICT (rule_id, group_key) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at,
       run_started_at = EXCLUDED.run_started_at, last_duration_ms = EXCLUDED.last_duration_ms, pings = EXCLUDED.pings,
       fired_alert_id = EXCLUDED.fired_alert_id`,
    [JSON.stringify(checks)],
  );
}

export async function loadCheckPauses(manager: EntityManager): Promise<CheckPauseState[]> {
  return ((await manager.query(`SELECT * FROM check_pause`)) as Array<Record<string, unknown>>).map(pauseOf);
}

export async function saveCheckPauses(manager: EntityManager, pauses: CheckPauseState[]): Promise<void> {
  if (pauses.length === 0) return;
  await manager.query(
    `INSERT INTO check_pause (rule_id, tenant_id, paused_at, paused_by, resumed_at)
     SELECT "ruleId", "tenantId", to_timestamp("pausedAt" / 1000.0), "pausedBy", to_timestamp("resumedAt" / 1000.0)
       FROM jsonb_to_recordset($1::jsonb) AS x("ruleId" uuid, "tenantId" uuid, "pausedAt" bigint, "pausedBy" text,
            "resumedAt" bigint)
     ON CONFLICT (rule_id) DO UPDATE SET paused_at = EXCLUDED.paused_at, paused_by = EXCLUDED.paused_by,
       resumed_at = EXCLUDED.resumed_at`,
    [JSON.stringify(pauses)],
  );
}

/** One tenant's checks as stored: states, pauses, and the alert firing for each (rule, group). */
export async function checksOfTenant(
  db: Db,
  tenantId: string,
  ruleId?: string,
): Promise<{ states: CheckState[]; pauses: CheckPauseState[]; firing: Map<string, string> }> {
  const params = [tenantId, ruleId ?? null];
  const [states, pauses, firing] = (await Promise.all([
    db.query(`SELECT * FROM absence_state WHERE tenant_id = $1 AND ($2::uuid IS NULL OR rule_id = $2::uuid)`, params),
    db.query(`SELECT * FROM check_pause WHERE tenant_id = $1 AND ($2::uuid IS NULL OR rule_id = $2::uuid)`, params),
    db.query(
      `SELECT alert_id, rule_id, group_key FROM alert
        WHERE tenant_id = $1 AND state = 'firing' AND rule_kind = 'absence' AND ($2::uuid IS NULL OR rule_id = $2::uuid)`,
      params,
    ),
  ])) as Array<Array<Record<string, unknown>>>;
  return {
    states: states.map(checkOf),
    pauses: pauses.map(pauseOf),
    firing: new Map(firing.map((row) => [`${row.rule_id as string}|${row.group_key as string}`, row.alert_id as string])),
  };
}
