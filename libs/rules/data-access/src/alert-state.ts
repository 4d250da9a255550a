import type { EntityManager } from 'typeorm';
import type { AlertContextEvent, Severity } from '@daalu/contracts';
import type { AlertState, ChangeEvent, WindowState } from '@daalu/rules/domain';

export type { AlertState, ChangeEvent, WindowState };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function loadFiringAlerts(manager: EntityManager): Promise<AlertState[]> {
  const rows: Array<Record<string, unknown>> = await manager.query(`SELECT * FROM alert WHERE state = 'firing'`);
  return rows.map((row) => ({
    alertId: row.alert_id as string,
    tenantId: row.tenant_id as string,
    ruleId: row.rule_id as string,
    ruleName: row.rule_name as string,
    ruleKind: row.rule_kind as AlertState['ruleKind'],
    groupKey: row.group_key as string,
    state: 'firing',
    severity: row.severity as Severity,
    summary: row.summary as string,
    firedAt: (row.fired_at as Date).getTime(),
    resolvedAt: null,
    resolveReason: null,
    count: row.count as number,
    lastSeenAt: (row.last_seen_at as Date).getTime(),
    eventIds: row.event_ids as string[],
    context: row.context as AlertContextEvent[],
    acknowledged: row.acknowledged_at
      ? {
          at: (row.acknowledged_at as Date).getTime(),
          by: row.acknowledged_by as string,
          note: (row.acknowledge_note as string | null) ?? null,
        }
      : null,
    resolvedBy: null,
    resolveNote: null,
    dedupKey: (row.dedup_key as string | null) ?? null,
    silencedBy: (row.silenced_by as string | null) ?? null,
  }));
}

/** Writes alerts as they are now (one statement for the batch's changes). */
export async function saveAlerts(manager: EntityManager, alerts: AlertState[]): Promise<void> {
  if (alerts.length === 0) return;
  const json = JSON.stringify(
    alerts.map(({ acknowledged, ...a }) => ({
      ...a,
      firedAt: iso(a.firedAt),
      resolvedAt: iso(a.resolvedAt),
      lastSeenAt: iso(a.lastSeenAt),
      acknowledgedAt: iso(acknowledged?.at ?? null),
      acknowledgedBy: acknowledged?.by ?? null,
      acknowledgeNote: acknowledged?.note ?? null,
    })),
  );
  await manager.query(
    `INSERT INTO alert (alert_id, tenant_id, rule_id, rule_name, rule_kind, group_key, state, severity, summary,
                        fired_at, resolved_at, resolve_reason, count, last_seen_at, event_ids, context,
                        acknowledged_at, acknowledged_by, acknowledge_note, resolved_by, resolve_note, dedup_key,
                        silenced_by)
     SELECT "alertId", "tenantId", "ruleId", "ruleName", "ruleKind", "groupKey", state, severity, summary,
            "firedAt", "resolvedAt", "resolveReason", count, "lastSeenAt",
            ARRAY(SELECT jsonb_array_elements_text("eventIds"))::uuid[], context,
            "acknowledgedAt", "acknowledgedBy", "acknowledgeNote", "resolvedBy", "resolveNote", "dedupKey",
            "silencedBy"
       FROM jsonb_to_recordset($1::jsonb) AS x("alertId" uuid, "tenantId" uuid, "ruleId" uuid, "ruleName" text,
            "ruleKind" text, "groupKey" text, state text, severity text, summary text, "firedAt" timestamptz,
            "resolvedAt" timestamptz, "resolveReason" text, count integer, "lastSeenAt" timestamptz,
            "eventIds" jsonb, context jsonb, "acknowledgedAt" timestamptz, "acknowledgedBy" text,
            "acknowledgeNote" text, "resolvedBy" text, "resolveNote" text, "dedupKey" text, "silencedBy" uuid)
     ON CONFLICT (alert_id) DO UPDATE SET
       state = EXCLUDED.state, resolved_at = EXCLUDED.resolved_at, resolve_reason = EXCLUDED.resolve_reason,
       count = EXCLUDED.count, last_seen_at = EXCLUDED.last_seen_at, event_ids = EXCLUDED.event_ids,
       acknowledged_at = EXCLUDED.acknowledged_at, acknowledged_by = EXCLUDED.acknowledged_by,
       acknowledge_note = EXCLUDED.acknowledge_note, resolved_by = EXCLUDED.resolved_by,
       resolve_note = EXCLUDED.resolve_note, silenced_by = EXCLUDED.silenced_by`,
    [json],
  );
}

export async function loadWindows(manager: EntityManager): Promise<WindowState[]> {
  const rows: Array<{ rule_id: string; group_key: string; times: string[]; event_ids: string[] }> = await manager.query(
    `SELECT rule_id, group_key, times, event_ids FROM rule_window`,
  );
  return rows.map((row) => ({
    ruleId: row.rule_id,
    groupKey: row.group_key,
    times: row.times.map(Number),
    eventIds: row.event_ids,
  }));
}

/** Writes the changed windows; an empty window is deleted. */
export async function saveWindows(manager: EntityManager, windows: WindowState[]): Promise<void> {
  if (windows.length === 0) return;
  await manager.query(
    `DELETE FROM rule_window w USING jsonb_to_recordset($1::jsonb) AS x("ruleId" uuid, "groupKey" text)
      WHERE w.rule_id = x."ruleId" AND w.group_key = x."groupKey"`,
    [JSON.stringify(windows.map(({ ruleId, groupKey }) => ({ ruleId, groupKey })))],
  );
  const kept = windows.filter((w) => w.times.length > 0);
  if (kept.length === 0) return;
  await manager.query(
    `INSERT INTO rule_window (rule_id, group_key, times, event_ids)
     SELECT "ruleId", "groupKey", ARRAY(SELECT jsonb_array_elements_text(times))::bigint[],
            ARRAY(SELECT jsonb_array_elements_text("eventIds"))::uuid[]
       FROM jsonb_to_recordset($1::jsonb) AS x("ruleId" uuid, "groupKey" text, times jsonb, "eventIds" jsonb)`,
    [JSON.stringify(kept)],
  );
}

export async function loadRecentChanges(manager: EntityManager, since: number): Promise<ChangeEvent[]> {
  const rows: Array<Record<string, unknown>> = await manager.query(
    `SELECT * FROM recent_change WHERE received_at >= $1 ORDER BY received_at`,
    [iso(since)],
  );
  return rows.map((row) => ({
    tenantId: row.tenant_id as string,
    receivedAt: (row.received_at as Date).getTime(),
    eventId: row.event_id as string,
    type: row.type as string,
    source: row.source as string,
    summary: row.summary as string,
    service: (row.service as string | null) ?? null,
  }));
}

/** Adds change events and forgets those older than `keepSince`. */
export async function saveRecentChanges(
  manager: EntityManager,
  added: ChangeEvent[],
  keepSince: number,
): Promise<void> {
  // Nothing added, nothing to forget yet: the next batch that adds one prunes (readers filter by time).
  if (added.length === 0) return;
  await manager.query(
    `INSERT INTO recent_change (tenant_id, received_at, event_id, type, source, summary, service)
     SELECT "tenantId", to_timestamp("receivedAt" / 1000.0), "eventId", type, source, summary, service
       FROM jsonb_to_recordset($1::jsonb) AS x("tenantId" uuid, "receivedAt" bigint, "eventId" uuid, type text,
            source text, summary text, service text)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(added)],
  );
  await manager.query(`DELETE FROM recent_change WHERE received_at < $1`, [iso(keepSince)]);
}

/** Which of these message ids the evaluator already put on the log. */
export async function alreadyEmitted(manager: EntityManager, msgIds: string[]): Promise<Set<string>> {
  if (msgIds.length === 0) return new Set();
  const rows: Array<{ msg_id: string }> = await manager.query(
    `SELECT msg_id FROM emitted_fact WHERE msg_id = ANY($1::text[])`,
    [msgIds],
  );
  return new Set(rows.map((row) => row.msg_id));
}

export async function recordEmitted(manager: EntityManager, msgIds: string[]): Promise<void> {
  if (msgIds.length === 0) return;
  await manager.query(`INSERT INTO emitted_fact (msg_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [msgIds]);
}

/** One alert as the API shows it. */
export interface AlertView {
  id: string;
  ruleId: string;
  ruleName: string;
  state: 'firing' | 'resolved';
  severity: Severity;
  summary: string;
  groupKey: string;
  firedAt: string;
  resolvedAt: string | null;
  resolveReason: string | null;
  count: number;
  lastSeenAt: string;
  eventIds: string[];
  context: AlertContextEvent[];
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgeNote: string | null;
  resolvedBy: string | null;
  resolveNote: string | null;
  dedupKey: string | null;
  silencedBy: string | null;
}

export interface AlertFilter {
  state?: 'firing' | 'resolved';
  /** Only firing alerts someone took (true) or nobody has (false). */
  acknowledged?: boolean;
  /** One alert (the lifecycle routes answer with it). */
  alertId?: string;
  ruleId?: string;
  severities?: Severity[];
}

/** A tenant's alerts, newest first, in keyset pages on (firedAt, id). */
export async function listAlerts(
  db: { query(sql: string, params: unknown[]): Promise<unknown> },
  tenantId: string,
  filter: AlertFilter,
  limit: number,
  cursor?: { at: string; id: string },
): Promise<{ items: AlertView[]; nextCursor: { at: string; id: string } | null }> {
  const params: unknown[] = [tenantId];
  const where = ['tenant_id = $1'];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filter.state) add((n) => `state = ${n}`, filter.state);
  if (filter.ruleId) add((n) => `rule_id = ${n}::uuid`, filter.ruleId);
  if (filter.acknowledged !== undefined)
    where.push(`state = 'firing' AND acknowledged_at IS ${filter.acknowledged ? 'NOT ' : ''}NULL`);
  if (filter.severities) add((n) => `severity = ANY(${n}::text[])`, filter.severities);
  if (cursor) {
    params.push(cursor.at, cursor.id);
    where.push(`(fired_at, alert_id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  if (filter.alertId) add((n) => `alert_id = ${n}::uuid`, filter.alertId);
  const rows = (await db.query(
    `SELECT *, to_char(fired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at
       FROM alert WHERE ${where.join(' AND ')} ORDER BY fired_at DESC, alert_id DESC LIMIT ${limit + 1}`,
    params,
  )) as Array<Record<string, unknown>>;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => ({
      id: row.alert_id as string,
      ruleId: row.rule_id as string,
      ruleName: row.rule_name as string,
      state: row.state as AlertView['state'],
      severity: row.severity as Severity,
      summary: row.summary as string,
      groupKey: row.group_key as string,
      firedAt: (row.fired_at as Date).toISOString(),
      resolvedAt: row.resolved_at ? (row.resolved_at as Date).toISOString() : null,
      resolveReason: (row.resolve_reason as string | null) ?? null,
      count: row.count as number,
      lastSeenAt: (row.last_seen_at as Date).toISOString(),
      eventIds: row.event_ids as string[],
      context: row.context as AlertContextEvent[],
      acknowledgedAt: row.acknowledged_at ? (row.acknowledged_at as Date).toISOString() : null,
      acknowledgedBy: (row.acknowledged_by as string | null) ?? null,
      acknowledgeNote: (row.acknowledge_note as string | null) ?? null,
      resolvedBy: (row.resolved_by as string | null) ?? null,
      resolveNote: (row.resolve_note as string | null) ?? null,
      dedupKey: (row.dedup_key as string | null) ?? null,
      silencedBy: (row.silenced_by as string | null) ?? null,
    })),
    nextCursor: rows.length > limit ? { at: last.at as string, id: last.alert_id as string } : null,
  };
}

