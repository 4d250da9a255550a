import type { DataSource, EntityManager } from 'typeorm';
import type { TimelineRow } from './timeline-entries';

/**
 * The event-type catalog's bounds. A tenant's first 1,000 types (in log order) are catalogued; the
 * events of any further type stay on the timeline but are left out of the catalog, which then says it
 * is truncated. Each type keeps its first 20 sources of each day and one recent payload, kept only if
 * its JSON (as PostgreSQL prints it) is under 4 KiB.
 */
export const EVENT_TYPES_PER_TENANT = 1000;
export const SOURCES_PER_EVENT_TYPE = 20;
export const EVENT_TYPE_SAMPLE_BYTES = 4096;

const DAY_MS = 86_400_000;

/** What one batch added of one (tenant, type, UTC day). */
export interface EventTypeTally {
  tenant_id: string;
  type: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  count: number;
  first_seen_at: string;
  last_seen_at: string;
  /** Distinct, in the order first seen, at most SOURCES_PER_EVENT_TYPE. */
  sources: string[];
  /** The payload of the latest event. */
  sample: Record<string, unknown>;
  /** Log position of the first event, which ranks a new type against the cap. */
  first_seq: number;
}

/**
 * The ingested events among rows added to the timeline (rows of kind `event`; alerts and proposals are
 * not sent types) tallied by tenant, type and UTC day, in memory: the catalog then costs one upsert per
 * tally, not per event. The result does not depend on how the log is cut into batches (a rebuild's
 * larger batches give the same catalog): counts add up, first/last seen are a min and a max, sources
 * keep their first-seen order, and the sample is the latest event (the later one in log order on a tie).
 */
export function tallyEventTypes(rows: readonly TimelineRow[]): EventTypeTally[] {
  const tallies = new Map<string, EventTypeTally & { lastMs: number; firstMs: number }>();
  const days = new Map<number, string>();
  for (const row of rows) {
    if (row.kind !== 'event') continue;
    const ms = Date.parse(row.recordedAt);
    const dayMs = Math.floor(ms / DAY_MS) * DAY_MS;
    let day = days.get(dayMs);
    if (day === undefined) {
      day = new Date(dayMs).toISOString().slice(0, 10);
      days.set(dayMs, day);
    }
    // As PostgreSQL compares them: a uuid in any case is one tenant; types compare byte for byte (collation C).
    const key = `${day} ${typeKey(row.tenantId, row.type)}`;
    const tally = tallies.get(key);
    if (!tally) {
      tallies.set(key, {
        tenant_id: row.tenantId,
        type: row.type,
        day,
        count: 1,
        first_seen_at: row.recordedAt,
        last_seen_at: row.recordedAt,
        sources: [row.source],
        sample: row.payload,
        first_seq: row.streamSeq,
        firstMs: ms,
        lastMs: ms,
      });
      continue;
    }
    tally.count++;
    if (ms < tally.firstMs) {
      tally.firstMs = ms;
      tally.first_seen_at = row.recordedAt;
    }
    if (ms >= tally.lastMs) {
      tally.lastMs = ms;
      tally.last_seen_at = row.recordedAt;
      tally.sample = row.payload;
    }
    if (tally.sources.length < SOURCES_PER_EVENT_TYPE && !tally.sources.includes(row.source)) {
      tally.sources.push(row.source);
    }
  }
  return [...tallies.values()].map(({ firstMs: _first, lastMs: _last, ...tally }) => tally);
}

/** The known types a projection remembers at most (past it, it forgets them all and asks PostgreSQL again). */
const MAX_KNOWN_TYPES = 100_000;

/**
 * The (tenant, type) pairs the catalog is known to hold, with the latest day each has a row for, as the
 * projection applying it remembers them between batches: a batch whose types are all known skips the
 * cap check (it adds no new type). Only valid while one applier goes on without a break; the projection
 * forgets it whenever its position is not the one it left. A pair counts as known only while its latest
 * day is one retention cannot have removed yet.
 */
export class KnownEventTypes {
  private readonly latestDay = new Map<string, string>();

  /** Whether every tally's type has a row on `since` (YYYY-MM-DD) or later. */
  holdAll(tallies: readonly EventTypeTally[], since: string): boolean {
    return tallies.every((tally) => (this.latestDay.get(typeKey(tally.tenant_id, tally.type)) ?? '') >= since);
  }

  note(tenantId: string, type: string, day: string): void {
    const key = typeKey(tenantId, type);
    const known = this.latestDay.get(key);
    if (known !== undefined && known >= day) return;
    if (known === undefined && this.latestDay.size >= MAX_KNOWN_TYPES) this.latestDay.clear();
    this.latestDay.set(key, day);
  }

  clear(): void {
    this.latestDay.clear();
  }
}

function typeKey(tenantId: string, type: string): string {
  return `${tenantId.toLowerCase()} ${type}`;
}

const TALLY_RECORDSET = `json_to_recordset($1::json) AS t(tenant_id uuid, type text COLLATE "C", day date, count bigint,
  first_seen_at timestamptz, last_seen_at timestamptz, sources text[], sample jsonb, first_seq bigint)`;

/** A day row as a tally adds it (the sample only under EVENT_TYPE_SAMPLE_BYTES of JSON), and merged into one already there. */
const UPSERT_TALLY = `INSERT INTO event_type_day AS d
    (tenant_id, type, day, count, first_seen_at, last_seen_at, sources, sample, sample_truncated)
  SELECT t.tenant_id, t.type, t.day, t.count, t.first_seen_at, t.last_seen_at, t.sources,
         CASE WHEN octet_length(t.sample::text) < $2::int THEN t.sample END,
         octet_length(t.sample::text) >= $2::int`;
const MERGE_TALLY = `ON CONFLICT (tenant_id, type, day) DO UPDATE SET
    count = d.count + excluded.count,
    first_seen_at = least(d.first_seen_at, excluded.first_seen_at),
    last_seen_at = greatest(d.last_seen_at, excluded.last_seen_at),
    sources = CASE
      WHEN cardinality(d.sources) >= $3::int OR excluded.sources <@ d.sources THEN d.sources
      ELSE ARRAY(SELECT u.s FROM unnest(d.sources || excluded.sources) WITH ORDINALITY AS u(s, i)
                  GROUP BY u.s ORDER BY min(u.i) LIMIT $3::int)
    END,
    sample = CASE WHEN excluded.last_seen_at >= d.last_seen_at THEN excluded.sample ELSE d.sample END,
    sample_truncated = CASE WHEN excluded.last_seen_at >= d.last_seen_at
                            THEN excluded.sample_truncated ELSE d.sample_truncated END`;

/**
 * Adds a batch's tallies to the catalog in one statement (`INSERT … ON CONFLICT DO UPDATE`), in the
 * batch's transaction. A type new to a tenant is added only while the tenant has fewer than
 * EVENT_TYPES_PER_TENANT types, ranked by its first log position; the events of a type left out are
 * counted per day in `event_type_refused`. When `known` holds every tally's type (the usual batch), the
 * statement is the upsert alone, without that check.
 */
export async function upsertEventTypes(
  manager: EntityManager,
  tallies: readonly EventTypeTally[],
  known: KnownEventTypes,
  knownSince: string,
): Promise<void> {
  if (tallies.length === 0) return;
  const json = JSON.stringify(tallies);
  if (known.holdAll(tallies, knownSince)) {
    await manager.query(`${UPSERT_TALLY} FROM ${TALLY_RECORDSET} ${MERGE_TALLY}`, [
      json,
      EVENT_TYPE_SAMPLE_BYTES,
      SOURCES_PER_EVENT_TYPE,
    ]);
    for (const tally of tallies) known.note(tally.tenant_id, tally.type, tally.day);
    return;
  }
  const admitted: Array<{ tenant_id: string; type: string; day: string }> = await manager.query(
    `WITH tally AS (
       SELECT * FROM ${TALLY_RECORDSET}
     ), fresh AS (
       SELECT t.tenant_id, t.type, min(t.first_seq) AS first_seq FROM tally t
        WHERE NOT EXISTS (SELECT 1 FROM event_type_day d WHERE d.tenant_id = t.tenant_id AND d.type = t.type)
        GROUP BY 1, 2
     ), room AS MATERIALIZED (
       SELECT f.tenant_id,
              $4::int - (SELECT count(DISTINCT d.type) FROM event_type_day d WHERE d.tenant_id = f.tenant_id) AS room
         FROM (SELECT DISTINCT tenant_id FROM fresh) f
     ), refused_type AS (
       SELECT f.tenant_id, f.type
         FROM (SELECT fresh.*, row_number() OVER (PARTITION BY tenant_id ORDER BY first_seq) AS rank FROM fresh) f
         JOIN room r ON r.tenant_id = f.tenant_id
        WHERE f.rank > r.room
     ), refused AS (
       INSERT INTO event_type_refused AS r (tenant_id, day, events)
       SELECT t.tenant_id, t.day, sum(t.count)
         FROM tally t JOIN refused_type rt ON rt.tenant_id = t.tenant_id AND rt.type = t.type
        GROUP BY 1, 2
       ON CONFLICT (tenant_id, day) DO UPDATE SET events = r.events + excluded.events
     )
     ${UPSERT_TALLY}
       FROM tally t
      WHERE NOT EXISTS (SELECT 1 FROM refused_type rt WHERE rt.tenant_id = t.tenant_id AND rt.type = t.type)
     ${MERGE_TALLY}
     RETURNING d.tenant_id, d.type, d.day::text AS day`,
    [json, EVENT_TYPE_SAMPLE_BYTES, SOURCES_PER_EVENT_TYPE, EVENT_TYPES_PER_TENANT],
  );
  for (const { tenant_id, type, day } of admitted) known.note(tenant_id, type, day);
}

/** One type of the catalog, as the API returns it. */
export interface EventTypeView {
  type: string;
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
  sources: string[];
  sample: Record<string, unknown> | null;
  sampleTruncated: boolean;
}

interface EventTypeRow {
  type: string;
  count: string;
  first_seen_at: string;
  last_seen_at: string;
  sources: string[];
  sample: Record<string, unknown> | null;
  sample_truncated: boolean;
}

const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** Reads a tenant's catalog: its day rows summed by type, most recently seen first. */
export class EventTypeReader {
  constructor(private readonly db: DataSource | EntityManager) {}

  async list(tenantId: string): Promise<{ items: EventTypeView[]; truncated: boolean }> {
    const rows: EventTypeRow[] = await this.db.query(
      `SELECT t.type, t.count::text AS count,
              to_char(t.first_seen_at AT TIME ZONE 'UTC', ${ISO_MS}) AS first_seen_at,
              to_char(t.last_seen_at AT TIME ZONE 'UTC', ${ISO_MS}) AS last_seen_at,
              ARRAY(SELECT f.s FROM (
                      SELECT DISTINCT ON (u.s) u.s, d.day, u.i
                        FROM event_type_day d CROSS JOIN LATERAL unnest(d.sources) WITH ORDINALITY AS u(s, i)
                       WHERE d.tenant_id = $1 AND d.type = t.type
                       ORDER BY u.s, d.day, u.i) f
                     ORDER BY f.day, f.i LIMIT ${SOURCES_PER_EVENT_TYPE}) AS sources,
              latest.sample, latest.sample_truncated
         FROM (SELECT type, sum(count) AS count, min(first_seen_at) AS first_seen_at, max(last_seen_at) AS last_seen_at
                 FROM event_type_day WHERE tenant_id = $1 GROUP BY type) t
         CROSS JOIN LATERAL (
           SELECT d.sample, d.sample_truncated FROM event_type_day d
            WHERE d.tenant_id = $1 AND d.type = t.type ORDER BY d.day DESC LIMIT 1) latest
        ORDER BY t.last_seen_at DESC, t.type`,
      [tenantId],
    );
    const refused: Array<{ any: boolean }> = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM event_type_refused WHERE tenant_id = $1) AS any`,
      [tenantId],
    );
    return {
      items: rows.map((row) => ({
        type: row.type,
        count: Number(row.count),
        firstSeenAt: row.first_seen_at,
        lastSeenAt: row.last_seen_at,
        sources: [...row.sources].sort(),
        sample: row.sample,
        sampleTruncated: row.sample_truncated,
      })),
      truncated: refused[0].any,
    };
  }
}

/**
 * Forgets the catalog's days before `cutoff` (epoch ms of a UTC midnight), as retention drops the
 * timeline's day partitions: counts, sources and samples then cover the same days as the timeline.
 */
export async function purgeEventTypesBefore(manager: EntityManager, cutoff: number): Promise<number> {
  const day = new Date(cutoff).toISOString().slice(0, 10);
  const [, types] = (await manager.query(`DELETE FROM event_type_day WHERE day < $1::date`, [day])) as [
    unknown,
    number,
  ];
  await manager.query(`DELETE FROM event_type_refused WHERE day < $1::date`, [day]);
  return types;
}
