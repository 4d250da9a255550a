import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager } from 'typeorm';
import {
  AlertFiredCodec,
  AlertResolvedCodec,
  AlertUnsilencedCodec,
  decodeEventStreamFact,
  type AlertFact,
  type AlertFired,
  type AlertResolved,
  type AlertUnsilenced,
  type EventIngested,
  type EventStreamFact,
  type SilenceFact,
  type StreamNames,
  type Subjects,
} from '@daalu/contracts';
import type { JetStreamPublisher } from '@daalu/platform/jetstream';
import type { BatchContext, Projection, Sequenced } from '@daalu/platform/projection';
import {
  alreadyEmitted,
  loadAbsences,
  loadFiringAlerts,
  loadRecentChanges,
  loadSilences,
  loadWindows,
  recordEmitted,
  saveAbsences,
  saveAlerts,
  saveRecentChanges,
  saveSilences,
  saveWindows,
  type AbsenceState,
  type AlertState,
  type ChangeEvent,
  type SilenceState,
  type WindowState,
} from '@daalu/rules/data-access';
import {
  dedupKeyOf,
  eventOfGroup,
  groupKey,
  isResolveRequest,
  renderSummary,
  SilenceWindow,
  slideWindow,
  valueAt,
} from '@daalu/rules/domain';
import type { RuleDirectory, StoredRule } from '../rules/rule-directory';
import { alertIdFor, factIdFor } from './alert-ids';
import { ChangeContext } from './change-context';
import type { EvaluationOptions } from './evaluation-options';

/** How long past an absence deadline the clock waits before it fires (an event may be mid-batch). */
const JUDGE_MARGIN_MS = 1000;

/** How long an ended silence stays in memory (a late event of its window may still be on its way). */
const SILENCE_KEPT_MS = 86_400_000;

/** Event ids an alert keeps while firing (the first ones; `count` has them all). */
const KEPT_EVENT_IDS = 20;
/** Event ids a fired fact carries at most (the contract's limit): a threshold's newest matches. */
const FACT_EVENT_IDS = 100;

type Fact =
  | { kind: 'alert.fired'; fact: AlertFired }
  | { kind: 'alert.resolved'; fact: AlertResolved }
  | { kind: 'alert.unsilenced'; fact: AlertUnsilenced };

/** What one batch changed: written in its transaction, published before it commits. */
class BatchWork {
  readonly alerts = new Map<string, AlertState>();
  readonly absences = new Map<string, AbsenceState>();
  readonly windows = new Map<string, WindowState>();
  readonly silences = new Map<string, SilenceState>();
  readonly changes: ChangeEvent[] = [];
  readonly facts: Fact[] = [];
}

/**
 * Match rules over the event log: every ingested event, in log order, against its tenant's rules.
 *  - it reads the whole EVENTS stream: besides events, what people did to alerts (acknowledged,
 *    unacknowledged, resolved by hand: facts the API published) is applied in log order, so a replay
 *    decides as the first run did; its own fired/resolved facts and proposals are stepped over;
 *  - an event with `payload.eventAction: "resolve"` resolves the firing alerts of its tenant whose dedup
 *    key it carries (at the rule's dedup field), and fires nothing;
 *  - a match (or the N-th match within W, per group) fires an alert; while it fires, more matches
 *    update it (count, last seen) instead of firing again; a resolving event resolves it;
 *  - alerts are `alert.fired` / `alert.resolved` facts on the log, with ids derived from their cause,
 *    published before the batch commits: a retried batch republishes the same ids (JetStream drops the
 *    duplicates), and the `emitted_fact` ledger keeps a replay from publishing an old fact again;
 *  - the state (firing alerts, threshold windows, recent changes for context) is kept in memory for
 *    speed and written in each batch's transaction. It is reloaded from PostgreSQL whenever the position
 *    is not the one this replica left (start, a failed batch, another replica applied meanwhile);
 *  - for match rules, times are the events' receivedAt, never the clock (a quiet period that ended
 *    between two events is resolved as of its end): a replay decides as the first run did, and a rule
 *    judges only events received after it was created. Absence rules are judged by the clock.
 * One replica applies at a time (the projection lock), so two replicas fire each alert once.
 */
export class AlertEvaluation implements Projection<EventStreamFact | null> {
  readonly name = 'alert-evaluation';
  readonly stream: string;
  readonly filterSubject: string;
  private readonly firing = new Map<string, AlertState>();
  private readonly windows = new Map<string, WindowState>();
  private readonly absences = new Map<string, AbsenceState>();
  /** Every silence, as kept in `silence` (with the compiled window that judges it), by id. */
  private readonly silences = new Map<string, { state: SilenceState; window: SilenceWindow }>();
  /** The same windows by tenant: an alert is judged against its own tenant's silences only. */
  private readonly silencesByTenant = new Map<string, Map<string, SilenceWindow>>();
  private readonly context: ChangeContext;
  /** Batches and clock ticks change the same state: one at a time. */
  private exclusive: Promise<unknown> = Promise.resolve();
  /** The checkpoint the in-memory state belongs to; -1: reload before the next batch. */
  private loadedAt = -1;

  constructor(
    streams: StreamNames,
    private readonly subjects: Subjects,
    private readonly directory: RuleDirectory,
    private readonly publisher: JetStreamPublisher,
    options: EvaluationOptions,
  ) {
    this.stream = streams.events;
    // Every subject: events, and the alert facts people cause (one filter is all nats-server 2.9 allows).
    this.filterSubject = '';
    this.context = new ChangeContext(options.contextTypes, options.contextWindowMs);
  }

  /** The fact, or null for a kind this version does not know (stepped over). */
  decode(msg: JsMsg): EventStreamFact | null {
    return decodeEventStreamFact(msg.headers, msg.data);
  }

  async apply(
    batch: Sequenced<EventStreamFact | null>[],
    manager: EntityManager,
    position: BatchContext,
  ): Promise<void> {
    // Judging events without the tenant's rules would miss alerts: wait for the rules at start.
    await this.directory.untilCaughtUp();
    await this.oneAtATime(async () => {
      if (this.loadedAt !== position.checkpoint) await this.load(manager);
      const work = new BatchWork();
      let latest = 0;
      for (const { message } of batch) {
        if (message?.kind === 'event.ingested') {
          this.evaluate(message, work);
          latest = Math.max(latest, Date.parse(message.receivedAt));
        } else if (message?.kind.startsWith('alert.')) this.applyAlertFact(message as AlertFact, work);
        else if (message?.kind.startsWith('silence.')) this.applySilenceFact(message as SilenceFact, work);
      }
      await this.save(manager, work);
      // Only the changes still kept (a burst pushes the oldest out before they are even written).
      const kept = work.changes.filter((change) => this.context.keeps(change));
      await saveRecentChanges(manager, kept, this.context.prune(latest));
      this.loadedAt = position.nextCheckpoint;
    });
  }

  /**
   * The clock's part, once a second on the replica that applies, and only once it has caught up with
   * the log (so events that arrived while it was down count): absence rules whose deadline passed fire,
   * absence alerts stay firing until an event arrives, and match alerts past their quiet period
   * resolve. In its own transaction, which locks the checkpoint row: never at the same time as a batch.
   */
  async tick(manager: EntityManager, now: number): Promise<void> {
    // The checkpoint row first, then the in-memory turn: the order a batch takes them in (the runner
    // locks the row, then calls apply). The other order could deadlock a tick and a batch; this one
    // also keeps a tick from running between a batch's apply and its commit.
    const rows: Array<{ last_sequence: string }> = await manager.query(
      `SELECT last_sequence FROM projection_checkpoint WHERE projection = $1 FOR UPDATE`,
      [this.name],
    );
    const checkpoint = Number(rows[0]?.last_sequence ?? 0);
    await this.oneAtATime(async () => {
      if (this.loadedAt !== checkpoint) await this.load(manager);
      const work = new BatchWork();
      this.judgeAbsences(now, work);
      this.judgeQuietPeriods(now, work);
      this.judgeSilences(now, work);
      await this.save(manager, work);
      this.loadedAt = checkpoint;
    });
  }

  /** Runs `step` after every step before it; a failure makes the next one reload the state first. */
  private oneAtATime(step: () => Promise<void>): Promise<void> {
    const run = this.exclusive.then(async () => {
      try {
        await step();
      } catch (error) {
        this.loadedAt = -1;
        throw error;
      }
    });
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  private async save(manager: EntityManager, work: BatchWork): Promise<void> {
    await saveAlerts(manager, [...work.alerts.values()]);
    await saveWindows(manager, [...work.windows.values()]);
    await saveAbsences(manager, [...work.absences.values()]);
    await saveSilences(manager, [...work.silences.values()]);
    await this.emit(manager, work.facts);
  }

  async reset(manager: EntityManager): Promise<void> {
    // emitted_fact stays: it records what is on the log, which a rebuild does not change.
    await manager.query(`TRUNCATE alert, rule_window, recent_change, absence_state, silence`);
    this.loadedAt = -1;
  }

  private async load(manager: EntityManager): Promise<void> {
    this.firing.clear();
    this.windows.clear();
    this.absences.clear();
    this.silences.clear();
    this.silencesByTenant.clear();
    this.context.clear();
    for (const silence of await loadSilences(manager)) this.keepSilence(silence);
    for (const alert of await loadFiringAlerts(manager)) this.firing.set(`${alert.ruleId}|${alert.groupKey}`, alert);
    for (const window of await loadWindows(manager)) this.windows.set(`${window.ruleId}|${window.groupKey}`, window);
    for (const change of await loadRecentChanges(manager, 0)) this.context.add(change);
    for (const absence of await loadAbsences(manager))
      this.absences.set(`${absence.ruleId}|${absence.groupKey}`, absence);
  }

  private evaluate(event: EventIngested, work: BatchWork): void {
    if (isResolveRequest(event)) {
      this.resolveByDedupKey(event, work);
      return;
    }
    const change = this.context.remember(event);
    if (change) work.changes.push(change);
    const rules = this.directory.candidates(event.tenantId, event.type, event.source);
    if (rules.length === 0) return;
    const at = Date.parse(event.receivedAt);
    for (const stored of rules) {
      const { rule, compiled } = stored;
      if (!rule.enabled) continue;
      if (rule.kind === 'absence') {
        if (compiled.match.matches(event)) this.seen(stored, event, at, work);
        continue;
      }
      // A rule judges what came after it: a replay (or a backlog) never fires a new rule on old events.
      if (at < stored.createdAtMs) continue;
      const matched = compiled.match.matches(event);
      if (!matched && !compiled.resolve?.matches(event)) continue;
      const group = groupKey(rule.groupBy, event);
      const key = `${stored.id}|${group}`;
      let firing = this.firing.get(key);
      const quiet = rule.resolve && 'quietSeconds' in rule.resolve ? rule.resolve.quietSeconds * 1000 : undefined;
      if (firing && quiet !== undefined && at - firing.lastSeenAt >= quiet) {
        // Its quiet period ended before this event (the clock may not have looked yet, or this is a
        // replay): resolve it as of then, so a replay decides as the first run did.
        this.firing.delete(key);
        this.resolve(firing, firing.lastSeenAt + quiet, 'quiet', null, work);
        firing = undefined;
      }
      if (firing && matched) {
        firing.count++;
        firing.lastSeenAt = at;
        if (firing.eventIds.length < KEPT_EVENT_IDS) firing.eventIds.push(event.id);
        work.alerts.set(firing.alertId, firing);
      } else if (firing) {
        this.firing.delete(key);
        this.resolve(firing, at, 'resolving-event', event.id, work);
      } else if (matched) {
        const eventIds = rule.threshold ? this.countTowardsThreshold(stored, key, group, event, at, work) : [event.id];
        if (eventIds) this.fire(stored, key, group, event, at, eventIds, work);
      }
    }
  }

  /** Adds a match to the rule's window; the window's event ids once it holds N matches, else null. */
  private countTowardsThreshold(
    stored: StoredRule,
    key: string,
    group: string,
    event: EventIngested,
    at: number,
    work: BatchWork,
  ): string[] | null {
    const { count, windowSeconds } = stored.rule.threshold!;
    const window = this.windows.get(key) ?? { ruleId: stored.id, groupKey: group, times: [], eventIds: [] };
    const entries = window.times.map((time, i) => ({ time, id: window.eventIds[i] }));
    const kept = slideWindow(entries, { time: at, id: event.id }, windowSeconds * 1000, count);
    const full = kept.length >= count;
    window.times = full ? [] : kept.map((entry) => entry.time);
    window.eventIds = full ? [] : kept.map((entry) => entry.id);
    if (full) this.windows.delete(key);
    else this.windows.set(key, window);
    work.windows.set(key, window);
    return full ? kept.slice(-FACT_EVENT_IDS).map((entry) => entry.id) : null;
  }

  private fire(
    stored: StoredRule,
    key: string,
    group: string,
    event: EventIngested,
    at: number,
    eventIds: string[],
    work: BatchWork,
  ): void {
    const { rule } = stored;
    // The matches that made it fire: N for a threshold (its event ids are capped at 100), else this one.
    const matches = rule.threshold?.count ?? 1;
    const alert: AlertState = {
      alertId: alertIdFor(stored.id, group, event.id),
      tenantId: event.tenantId,
      ruleId: stored.id,
      ruleName: rule.name,
      ruleKind: rule.kind,
      groupKey: group,
      state: 'firing',
      severity: rule.alert.severity,
      summary: renderSummary(rule.alert.summary, event, matches),
      firedAt: at,
      resolvedAt: null,
      resolveReason: null,
      count: matches,
      lastSeenAt: at,
      eventIds: eventIds.slice(0, FACT_EVENT_IDS),
      context: this.context.before(event.tenantId, at, valueAt(event.payload, ['service'])),
      acknowledged: null,
      resolvedBy: null,
      resolveNote: null,
      dedupKey: dedupKeyOf(rule.dedupKey, event),
      silencedBy: this.silenceCovering(event.tenantId, stored.id, rule.alert.severity, group, event.payload, at),
    };
    this.firing.set(key, alert);
    work.alerts.set(alert.alertId, alert);
    work.facts.push({ kind: 'alert.fired', fact: this.firedFact(alert, stored, event.correlationId, event.id) });
  }

  private firedFact(
    alert: AlertState,
    stored: StoredRule,
    correlationId: string,
    causationId: string | null,
  ): AlertFired {
    return {
      schemaVersion: 1,
      kind: 'alert.fired',
      id: factIdFor(alert.alertId, 'fired'),
      tenantId: alert.tenantId,
      correlationId,
      causationId,
      alertId: alert.alertId,
      ruleId: stored.id,
      ruleVersion: stored.version,
      ruleName: stored.rule.name,
      ruleKind: stored.rule.kind,
      groupKey: alert.groupKey,
      severity: alert.severity,
      summary: alert.summary,
      firedAt: new Date(alert.firedAt).toISOString(),
      // Copies: later events of the same batch update the alert, never the fact already made.
      eventIds: [...alert.eventIds],
      context: [...alert.context],
      ...(alert.silencedBy ? { silencedBy: alert.silencedBy } : {}),
    };
  }

  private resolve(
    alert: AlertState,
    at: number,
    reason: AlertResolved['reason'],
    resolvingEventId: string | null,
    work: BatchWork,
  ): void {
    alert.state = 'resolved';
    alert.resolvedAt = at;
    alert.resolveReason = reason;
    work.alerts.set(alert.alertId, alert);
    work.facts.push({
      kind: 'alert.resolved',
      fact: {
        schemaVersion: 1,
        kind: 'alert.resolved',
        id: factIdFor(alert.alertId, 'resolved'),
        tenantId: alert.tenantId,
        correlationId: alert.alertId,
        causationId: resolvingEventId,
        alertId: alert.alertId,
        ruleId: alert.ruleId,
        ruleName: alert.ruleName,
        groupKey: alert.groupKey,
        severity: alert.severity,
        summary: alert.summary,
        resolvedAt: new Date(at).toISOString(),
        reason,
        resolvingEventId,
        count: alert.count,
        ...(alert.silencedBy ? { silenced: true } : {}),
      },
    });
  }

  /** An absence rule saw its event: the deadline moves, and an alert for the silence resolves. */
  private seen(stored: StoredRule, event: EventIngested, at: number, work: BatchWork): void {
    const group = groupKey(stored.rule.groupBy, event);
    const key = `${stored.id}|${group}`;
    const absence = this.absences.get(key) ?? {
      ruleId: stored.id,
      groupKey: group,
      tenantId: event.tenantId,
      lastSeenAt: 0,
    };
    absence.lastSeenAt = Math.max(absence.lastSeenAt, at);
    this.absences.set(key, absence);
    work.absences.set(key, absence);
    const firing = this.firing.get(key);
    if (firing) {
      this.firing.delete(key);
      firing.count++;
      firing.lastSeenAt = at;
      this.resolve(firing, at, 'event-arrived', event.id, work);
    }
  }

  /**
   * What a person did to an alert, as the API put it on the log: acknowledged (kept firing, owned),
   * unacknowledged, or resolved by hand. Its own fired/resolved facts come back here too: stepped over.
   * A fact for an alert no longer firing changes nothing (it resolved meanwhile).
   */
  private applyAlertFact(fact: AlertFact, work: BatchWork): void {
    if (fact.kind === 'alert.fired' || fact.kind === 'alert.unsilenced') return;
    if (fact.kind === 'alert.resolved' && fact.reason !== 'manual') return;
    const entry = [...this.firing].find(([, alert]) => alert.alertId === fact.alertId);
    if (!entry) return;
    const [key, alert] = entry;
    switch (fact.kind) {
      case 'alert.acknowledged':
        alert.acknowledged = { at: Date.parse(fact.acknowledgedAt), by: fact.actor, note: fact.note };
        break;
      case 'alert.unacknowledged':
        alert.acknowledged = null;
        break;
      case 'alert.resolved':
        this.firing.delete(key);
        alert.state = 'resolved';
        alert.resolvedAt = Date.parse(fact.resolvedAt);
        alert.resolveReason = 'manual';
        alert.resolvedBy = fact.actor ?? null;
        alert.resolveNote = fact.note ?? null;
        break;
    }
    work.alerts.set(alert.alertId, alert);
  }

  /**
   * A silence created or expired, in log order with the events (so a rebuild decides the same). An
   * expiry ends the silence at its time: alerts it still covered are unsilenced then.
   */
  private applySilenceFact(fact: SilenceFact, work: BatchWork): void {
    if (fact.kind === 'silence.created') {
      if (this.silences.has(fact.silenceId)) return;
      const state: SilenceState = {
        silenceId: fact.silenceId,
        tenantId: fact.tenantId,
        matchers: fact.matchers,
        startsAt: Date.parse(fact.startsAt),
        endsAt: Date.parse(fact.endsAt),
        expiredAt: null,
        createdAt: Date.parse(fact.occurredAt),
        createdBy: fact.actor,
        expiredBy: null,
        comment: fact.comment,
      };
      this.keepSilence(state);
      work.silences.set(state.silenceId, state);
      return;
    }
    const kept = this.silences.get(fact.silenceId);
    if (!kept || kept.state.tenantId !== fact.tenantId || kept.state.expiredAt !== null) return;
    const at = Date.parse(fact.occurredAt);
    const state = { ...kept.state, expiredAt: at, expiredBy: fact.actor };
    this.keepSilence(state);
    work.silences.set(state.silenceId, state);
    for (const alert of this.firing.values()) {
      if (alert.silencedBy === fact.silenceId && at < state.endsAt) this.unsilence(alert, at, work);
    }
  }

  private keepSilence(state: SilenceState): void {
    const window = new SilenceWindow(
      state.silenceId,
      state.tenantId,
      state.matchers,
      state.startsAt,
      state.endsAt,
      state.expiredAt,
    );
    this.silences.set(state.silenceId, { state, window });
    let ofTenant = this.silencesByTenant.get(state.tenantId);
    if (!ofTenant) this.silencesByTenant.set(state.tenantId, (ofTenant = new Map()));
    ofTenant.set(state.silenceId, window);
  }

  /** The silence of the tenant that covers an alert firing at `at`, if any. */
  private silenceCovering(
    tenantId: string,
    ruleId: string,
    severity: string,
    groupKey: string,
    payload: unknown,
    at: number,
  ): string | null {
    for (const window of this.silencesByTenant.get(tenantId)?.values() ?? []) {
      if (window.covers({ ruleId, severity, groupKey, payload }, at)) {
        return window.silenceId;
      }
    }
    return null;
  }

  /**
   * Firing alerts whose silence is over (by the clock, like absence deadlines): webhooks are told now.
   * Silences over for a day leave memory (their rows stay until the retention purge): no alert can
   * fire at a time they covered any more, and a tenant that makes and ends silences without pause
   * must not slow the judging of everyone's alerts.
   */
  private judgeSilences(now: number, work: BatchWork): void {
    for (const alert of this.firing.values()) {
      if (alert.silencedBy === null) continue;
      const silence = this.silences.get(alert.silencedBy);
      if (!silence || now >= silence.window.end) this.unsilence(alert, now, work);
    }
    for (const [silenceId, { window }] of this.silences) {
      if (now - window.end < SILENCE_KEPT_MS) continue;
      this.silences.delete(silenceId);
      this.silencesByTenant.get(window.tenantId)?.delete(silenceId);
    }
  }

  private unsilence(alert: AlertState, at: number, work: BatchWork): void {
    const silenceId = alert.silencedBy!;
    alert.silencedBy = null;
    work.alerts.set(alert.alertId, alert);
    work.facts.push({
      kind: 'alert.unsilenced',
      fact: {
        schemaVersion: 1,
        kind: 'alert.unsilenced',
        id: factIdFor(alert.alertId, 'unsilenced'),
        tenantId: alert.tenantId,
        correlationId: alert.alertId,
        causationId: null,
        alertId: alert.alertId,
        ruleId: alert.ruleId,
        ruleName: alert.ruleName,
        groupKey: alert.groupKey,
        severity: alert.severity,
        summary: alert.summary,
        silenceId,
        unsilencedAt: new Date(at).toISOString(),
        firedAt: new Date(alert.firedAt).toISOString(),
      },
    });
  }

  /** A sender resolves what it raised: every firing alert of its tenant whose dedup key the event carries. */
  private resolveByDedupKey(event: EventIngested, work: BatchWork): void {
    const at = Date.parse(event.receivedAt);
    for (const [key, alert] of this.firing) {
      if (alert.tenantId !== event.tenantId || alert.dedupKey === null) continue;
      const rule = this.directory.get(alert.tenantId, alert.ruleId)?.rule;
      if (dedupKeyOf(rule?.dedupKey, event) !== alert.dedupKey) continue;
      this.firing.delete(key);
      this.resolve(alert, at, 'dedup-key', event.id, work);
    }
  }

  /**
   * Every enabled absence rule, in every group it has seen (and the whole rule when it has no groupBy):
   * past `last seen + every + grace`, with no alert firing for it, an alert fires. A rule that never
   * saw an event counts from its creation. The alert id comes from the missed deadline, so each silence
   * fires once however often the clock looks.
   */
  private judgeAbsences(now: number, work: BatchWork): void {
    const seenByRule = new Map<string, AbsenceState[]>();
    for (const absence of this.absences.values()) {
      const list = seenByRule.get(absence.ruleId);
      if (list) list.push(absence);
      else seenByRule.set(absence.ruleId, [absence]);
    }
    for (const stored of this.directory.allOfKind('absence')) {
      const { rule } = stored;
      if (!rule.enabled) continue;
      const allowedMs = ((rule.everySeconds ?? 0) + (rule.graceSeconds ?? 0)) * 1000;
      const groups = new Map<string, number>();
      if (!rule.groupBy) groups.set('', stored.createdAtMs);
      for (const absence of seenByRule.get(stored.id) ?? []) groups.set(absence.groupKey, absence.lastSeenAt);
      for (const [group, since] of groups) {
        const key = `${stored.id}|${group}`;
        const deadline = Math.max(since, stored.createdAtMs) + allowedMs;
        // A second past the deadline: an event at the deadline may still be on its way through a batch.
        if (now < deadline + JUDGE_MARGIN_MS || this.firing.has(key)) continue;
        const alert: AlertState = {
          alertId: alertIdFor(stored.id, group, `absence@${deadline}`),
          tenantId: stored.tenantId,
          ruleId: stored.id,
          ruleName: rule.name,
          ruleKind: 'absence',
          groupKey: group,
          state: 'firing',
          severity: rule.alert.severity,
          summary: renderSummary(rule.alert.summary, eventOfGroup(rule.groupBy, group), 0),
          firedAt: now,
          resolvedAt: null,
          resolveReason: null,
          count: 0,
          lastSeenAt: since,
          eventIds: [],
          context: [],
          acknowledged: null,
          resolvedBy: null,
          resolveNote: null,
          dedupKey: null,
          silencedBy: this.silenceCovering(stored.tenantId, stored.id, rule.alert.severity, group, undefined, now),
        };
        this.firing.set(key, alert);
        work.alerts.set(alert.alertId, alert);
        work.facts.push({ kind: 'alert.fired', fact: this.firedFact(alert, stored, alert.alertId, null) });
      }
    }
  }

  /** Match alerts whose rule resolves after a quiet period, and which had no match for that long. */
  private judgeQuietPeriods(now: number, work: BatchWork): void {
    for (const [key, alert] of this.firing) {
      const stored = this.directory.get(alert.tenantId, alert.ruleId);
      if (!stored) {
        // Its rule was deleted: nothing will ever resolve it otherwise.
        this.firing.delete(key);
        this.resolve(alert, now, 'rule-deleted', null, work);
        continue;
      }
      if (alert.ruleKind !== 'match') continue;
      const resolve = stored.rule.resolve;
      if (!resolve || !('quietSeconds' in resolve)) continue;
      if (now < alert.lastSeenAt + resolve.quietSeconds * 1000) continue;
      this.firing.delete(key);
      this.resolve(alert, now, 'quiet', null, work);
    }
  }

  /** Publishes the batch's facts not already on the log (all acks awaited), and records them. */
  private async emit(manager: EntityManager, facts: Fact[]): Promise<void> {
    if (facts.length === 0) return;
    const done = await alreadyEmitted(
      manager,
      facts.map(({ fact }) => fact.id),
    );
    const fresh = facts.filter(({ fact }) => !done.has(fact.id));
    await Promise.all(
      fresh.map((item) => {
        const subject = this.subjects.alert(item.fact.tenantId);
        switch (item.kind) {
          case 'alert.fired':
            return this.publisher.publish(subject, AlertFiredCodec, item.fact);
          case 'alert.resolved':
            return this.publisher.publish(subject, AlertResolvedCodec, item.fact);
          case 'alert.unsilenced':
            return this.publisher.publish(subject, AlertUnsilencedCodec, item.fact);
        }
      }),
    );
    await recordEmitted(
      manager,
      fresh.map(({ fact }) => fact.id),
    );
  }
}
