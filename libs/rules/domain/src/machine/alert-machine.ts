import type {
  AlertFact,
  AlertFired,
  AlertResolved,
  AlertUnsilenced,
  CheckFact,
  EventIngested,
  EventStreamFact,
  SilenceFact,
} from '@daalu/contracts';
import { dedupKeyOf, isResolveRequest } from '../dedup-key';
import { valueAt } from '../event-view';
import { eventOfGroup, groupKey, slideWindow } from '../grouping';
import { SilenceWindow } from '../silence-window';
import { renderSummary } from '../summary-template';
import { alertIdFor, factIdFor } from './alert-ids';
import type {
  AlertState,
  ChangeEvent,
  CheckPauseState,
  CheckPing,
  CheckState,
  SilenceState,
  WindowState,
} from './alert-states';
import type { ChangeContext } from './change-context';
import { checkSignalOf } from './check-schedule';
import { checkSince } from './check-status';
import type { RuleOfTenant, RuleSet } from './rule-set';

/** How long past a deadline the clock waits before it fires (an event may be mid-batch). */
export const JUDGE_MARGIN_MS = 1000;
/** How long an ended silence stays in memory (a late event of its window may still be on its way). */
const SILENCE_KEPT_MS = 86_400_000;
/** Event ids an alert keeps while firing (the first ones; `count` has them all). */
const KEPT_EVENT_IDS = 20;
/** Event ids a fired fact carries at most (the contract's limit): a threshold's newest matches. */
const FACT_EVENT_IDS = 100;
/** Pings a check keeps for its strip on the status board. */
export const CHECK_PINGS_KEPT = 20;
/**
 * Groups one check watches at most: the clock judges every group every second, so a sender that puts a
 * fresh value in the groupBy field of each ping must not grow that work (and the table) without end.
 * Pings of a group past the limit are not recorded.
 */
export const MAX_GROUPS_PER_CHECK = 1000;

/** A fact the machine decided, to go on the log. */
export type MachineFact =
  | { kind: 'alert.fired'; fact: AlertFired }
  | { kind: 'alert.resolved'; fact: AlertResolved }
  | { kind: 'alert.unsilenced'; fact: AlertUnsilenced };

/** What one step (a batch of facts, or a tick of the clock) changed: to write, and to publish. */
export class MachineChanges {
  readonly alerts = new Map<string, AlertState>();
  readonly windows = new Map<string, WindowState>();
  readonly checks = new Map<string, CheckState>();
  readonly pauses = new Map<string, CheckPauseState>();
  readonly silences = new Map<string, SilenceState>();
  readonly changes: ChangeEvent[] = [];
  readonly facts: MachineFact[] = [];
  /** The newest event's receivedAt seen in the step (what recent changes are pruned by). */
  latestEventAt = 0;
}

/** Everything the machine keeps, as stored: what it starts from after a restart. */
export interface MachineSnapshot {
  firing: AlertState[];
  windows: WindowState[];
  checks: CheckState[];
  pauses: CheckPauseState[];
  silences: SilenceState[];
  changes: ChangeEvent[];
}

const keyOf = (ruleId: string, group: string) => `${ruleId}|${group}`;

/**
 * The alert state machine, pure: the facts of the EVENTS stream in log order, and the clock's ticks,
 * in; changed states and alert facts out. No I/O and no clock of its own, so a replay decides as the
 * first run did and every transition has a unit test.
 *  - match rules: a match (or the N-th within W, per group) fires; more matches update the firing
 *    alert; a resolving event, a quiet period, the sender's dedup key, or a person resolves it;
 *  - heartbeat checks (absence rules): a success ping moves the deadline and resolves; `<type>.failed`
 *    or a critical ping fires at once; `<type>.started` starts a run that must finish within
 *    maxRunSeconds; past the deadline (every N seconds, or a cron schedule in a zone) plus grace, the
 *    clock fires; a paused check fires nothing;
 *  - acknowledge and unacknowledge change a firing alert; silences mark an alert silenced when it
 *    fires (no webhook told) and unsilence it when they end.
 */
export class AlertMachine {
  private readonly firing = new Map<string, AlertState>();
  /** Firing alerts' keys by alert id, and by tenant (lifecycle facts and dedup keys look them up). */
  private readonly firingById = new Map<string, string>();
  private readonly firingByTenant = new Map<string, Set<string>>();
  private readonly windows = new Map<string, WindowState>();
  /** Check states by rule, then group (the clock walks them rule by rule). */
  private readonly checks = new Map<string, Map<string, CheckState>>();
  private readonly pauses = new Map<string, CheckPauseState>();
  private readonly silences = new Map<string, { state: SilenceState; window: SilenceWindow }>();
  /** The same windows by tenant: an alert is judged against its own tenant's silences only. */
  private readonly silencesByTenant = new Map<string, Map<string, SilenceWindow>>();
  /** Alerts the clock fired whose fact has not come back through the log yet. */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly rules: RuleSet,
    private readonly context: ChangeContext,
  ) {}

  /** Forgets everything, then takes what was stored. */
  load(snapshot: MachineSnapshot): void {
    this.firing.clear();
    this.firingById.clear();
    this.firingByTenant.clear();
    this.windows.clear();
    this.checks.clear();
    this.pauses.clear();
    this.silences.clear();
    this.silencesByTenant.clear();
    this.inFlight.clear();
    this.context.clear();
    for (const silence of snapshot.silences) this.keepSilence(silence);
    for (const alert of snapshot.firing) this.setFiring(keyOf(alert.ruleId, alert.groupKey), alert);
    for (const window of snapshot.windows) this.windows.set(keyOf(window.ruleId, window.groupKey), window);
    for (const change of snapshot.changes) this.context.add(change);
    for (const check of snapshot.checks) this.keepCheck(check);
    for (const pause of snapshot.pauses) this.pauses.set(pause.ruleId, pause);
  }

  /** One fact of the EVENTS stream, in log order (null: a kind this version does not know). */
  apply(fact: EventStreamFact | null, work: MachineChanges): void {
    if (fact?.kind === 'event.ingested') this.onEvent(fact, work);
    else if (fact?.kind.startsWith('alert.')) this.onAlertFact(fact as AlertFact, work);
    else if (fact?.kind.startsWith('silence.')) this.onSilenceFact(fact as SilenceFact, work);
    else if (fact?.kind.startsWith('check.')) this.onCheckFact(fact as CheckFact, work);
  }

  /** What only time tells: deadlines and runs past due, quiet periods over, silences ended. */
  tick(now: number, work: MachineChanges): void {
    this.judgeChecks(now, work);
    this.judgeQuietPeriods(now, work);
    this.judgeSilences(now, work);
  }

  /** The recent changes of a step still kept (a burst pushes the oldest out before they are written). */
  keptChanges(work: MachineChanges): ChangeEvent[] {
    return work.changes.filter((change) => this.context.keeps(change));
  }

  /** Forgets changes too old to be any alert's context; returns the cut-off. */
  pruneChanges(latest: number): number {
    return this.context.prune(latest);
  }

  // ---- events ------------------------------------------------------------------------------------

  private onEvent(event: EventIngested, work: MachineChanges): void {
    const at = Date.parse(event.receivedAt);
    work.latestEventAt = Math.max(work.latestEventAt, at);
    if (isResolveRequest(event)) {
      this.resolveByDedupKey(event, at, work);
      return;
    }
    const change = this.context.remember(event);
    if (change) work.changes.push(change);
    // `<type>.failed` and `<type>.started` are signals of the checks on `<type>`.
    const signal = checkSignalOf(event.type);
    let signalled: Set<string> | undefined;
    if (signal) {
      const base = { ...event, type: signal.base };
      for (const stored of this.rules.candidates(event.tenantId, signal.base, event.source)) {
        if (stored.rule.kind !== 'absence' || !stored.compiled.match.matches(base)) continue;
        (signalled ??= new Set()).add(stored.id);
        this.heard(stored, event, at, signal.kind, work);
      }
    }
    for (const stored of this.rules.candidates(event.tenantId, event.type, event.source)) {
      const { rule, compiled } = stored;
      if (rule.kind === 'absence') {
        if (signalled?.has(stored.id) || !compiled.match.matches(event)) continue;
        // A critical ping is a failure, unless the check only looks at critical ones.
        const failed = event.severity === 'critical' && rule.match.minSeverity !== 'critical';
        this.heard(stored, event, at, failed ? 'fail' : 'success', work);
        continue;
      }
      if (!rule.enabled) continue;
      // A rule judges what came after it: a replay (or a backlog) never fires a new rule on old events.
      if (at < stored.createdAtMs) continue;
      this.onMatchCandidate(stored, event, at, work);
    }
  }

  private onMatchCandidate(stored: RuleOfTenant, event: EventIngested, at: number, work: MachineChanges): void {
    const { rule, compiled } = stored;
    const matched = compiled.match.matches(event);
    if (!matched && !compiled.resolve?.matches(event)) return;
    const group = groupKey(rule.groupBy, event);
    const key = keyOf(stored.id, group);
    let firing = this.firing.get(key);
    const quiet = rule.resolve && 'quietSeconds' in rule.resolve ? rule.resolve.quietSeconds * 1000 : undefined;
    if (firing && quiet !== undefined && at - firing.lastSeenAt >= quiet) {
      // Its quiet period ended before this event (the clock may not have looked yet, or this is a
      // replay): resolve it as of then, so a replay decides as the first run did.
      this.resolve(key, firing, firing.lastSeenAt + quiet, 'quiet', null, work);
      firing = undefined;
    }
    if (firing && matched) {
      firing.count++;
      firing.lastSeenAt = at;
      if (firing.eventIds.length < KEPT_EVENT_IDS) firing.eventIds.push(event.id);
      work.alerts.set(firing.alertId, firing);
    } else if (firing) {
      this.resolve(key, firing, at, 'resolving-event', event.id, work);
    } else if (matched) {
      const eventIds = rule.threshold ? this.countTowardsThreshold(stored, key, group, event, at, work) : [event.id];
      if (eventIds) this.fireOnEvent(stored, key, group, event, at, eventIds, work);
    }
  }

  /** Adds a match to the rule's window; the window's event ids once it holds N matches, else null. */
  private countTowardsThreshold(
    stored: RuleOfTenant,
    key: string,
    group: string,
    event: EventIngested,
    at: number,
    work: MachineChanges,
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

  /** A match rule's alert (or a check's failure signal): fired by an event, with its context. */
  private fireOnEvent(
    stored: RuleOfTenant,
    key: string,
    group: string,
    event: EventIngested,
    at: number,
    eventIds: string[],
    work: MachineChanges,
  ): void {
    const matches = stored.rule.threshold?.count ?? 1;
    this.fire(
      stored,
      key,
      {
        alertId: alertIdFor(stored.id, group, event.id),
        groupKey: group,
        summary: renderSummary(stored.rule.alert.summary, event, matches),
        at,
        count: matches,
        lastSeenAt: at,
        eventIds: eventIds.slice(0, FACT_EVENT_IDS),
        context: this.context.before(event.tenantId, at, valueAt(event.payload, ['service'])),
        dedupKey: dedupKeyOf(stored.rule.dedupKey, event),
        payload: event.payload,
        correlationId: event.correlationId,
        causationId: event.id,
      },
      work,
    );
  }

  private fire(
    stored: RuleOfTenant,
    key: string,
    how: Pick<AlertState, 'alertId' | 'groupKey' | 'summary' | 'count' | 'lastSeenAt' | 'eventIds' | 'context' | 'dedupKey'> & {
      at: number;
      payload: unknown;
      correlationId: string;
      causationId: string | null;
    },
    work: MachineChanges,
  ): void {
    const { rule } = stored;
    const alert: AlertState = {
      alertId: how.alertId,
      tenantId: stored.tenantId,
      ruleId: stored.id,
      ruleName: rule.name,
      ruleKind: rule.kind,
      groupKey: how.groupKey,
      state: 'firing',
      severity: rule.alert.severity,
      summary: how.summary,
      firedAt: how.at,
      resolvedAt: null,
      resolveReason: null,
      count: how.count,
      lastSeenAt: how.lastSeenAt,
      eventIds: how.eventIds,
      context: how.context,
      acknowledged: null,
      resolvedBy: null,
      resolveNote: null,
      dedupKey: how.dedupKey,
      silencedBy: this.silenceCovering(stored, how.groupKey, how.payload, how.at),
    };
    this.setFiring(key, alert);
    work.alerts.set(alert.alertId, alert);
    work.facts.push({
      kind: 'alert.fired',
      fact: {
        schemaVersion: 1,
        kind: 'alert.fired',
        id: factIdFor(alert.alertId, 'fired'),
        tenantId: alert.tenantId,
        correlationId: how.correlationId,
        causationId: how.causationId,
        alertId: alert.alertId,
        ruleId: stored.id,
        ruleVersion: stored.version,
        ruleName: rule.name,
        ruleKind: rule.kind,
        groupKey: alert.groupKey,
        severity: alert.severity,
        summary: alert.summary,
        firedAt: new Date(alert.firedAt).toISOString(),
        // Copies: later events of the same batch update the alert, never the fact already made.
        eventIds: [...alert.eventIds],
        context: [...alert.context],
        ...(alert.silencedBy ? { silencedBy: alert.silencedBy } : {}),
      },
    });
  }

  private resolve(
    key: string,
    alert: AlertState,
    at: number,
    reason: AlertResolved['reason'],
    resolvingEventId: string | null,
    work: MachineChanges,
  ): void {
    this.dropFiring(key);
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

  /** A sender resolves what it raised: every firing alert of its tenant whose dedup key the event carries. */
  private resolveByDedupKey(event: EventIngested, at: number, work: MachineChanges): void {
    for (const key of [...(this.firingByTenant.get(event.tenantId) ?? [])]) {
      const alert = this.firing.get(key)!;
      if (alert.dedupKey === null) continue;
      const rule = this.rules.get(alert.tenantId, alert.ruleId)?.rule;
      if (dedupKeyOf(rule?.dedupKey, event) !== alert.dedupKey) continue;
      this.resolve(key, alert, at, 'dedup-key', event.id, work);
    }
  }

  // ---- heartbeat checks --------------------------------------------------------------------------

  /**
   * A check heard from its job: a success ping moves its deadline, ends a run (its duration kept) and
   * resolves its alert; a failure fires at once (unless paused, or an alert already fires); a start
   * begins a run. Every signal goes on the check's strip of recent pings.
   */
  private heard(
    stored: RuleOfTenant,
    event: EventIngested,
    at: number,
    kind: CheckPing['kind'],
    work: MachineChanges,
  ): void {
    const group = groupKey(stored.rule.groupBy, event);
    const key = keyOf(stored.id, group);
    const groups = this.checks.get(stored.id);
    if (groups && !groups.has(group) && groups.size >= MAX_GROUPS_PER_CHECK) return;
    const check = this.checkOf(stored, group);
    let durationMs: number | null = null;
    if (kind !== 'start' && check.runStartedAt !== null && at >= check.runStartedAt) {
      durationMs = at - check.runStartedAt;
      check.lastDurationMs = durationMs;
      check.runStartedAt = null;
    }
    if (kind === 'start') check.runStartedAt = at;
    if (kind === 'success') check.lastSeenAt = Math.max(check.lastSeenAt ?? 0, at);
    check.pings.push({ at, kind, durationMs });
    if (check.pings.length > CHECK_PINGS_KEPT) check.pings.splice(0, check.pings.length - CHECK_PINGS_KEPT);
    work.checks.set(key, check);
    const firing = this.firing.get(key);
    if (kind === 'success' && firing) {
      firing.count++;
      firing.lastSeenAt = at;
      this.resolve(key, firing, at, 'event-arrived', event.id, work);
    } else if (kind === 'fail' && !firing && this.alerting(stored) && at >= stored.createdAtMs) {
      this.fireOnEvent(stored, key, group, event, at, [event.id], work);
    }
  }

  /** Whether a check may fire now: its rule enabled and the check not paused. */
  private alerting(stored: RuleOfTenant): boolean {
    return stored.rule.enabled && !this.pauses.get(stored.id)?.pausedAt;
  }

  private checkOf(stored: RuleOfTenant, group: string): CheckState {
    const existing = this.checks.get(stored.id)?.get(group);
    if (existing) return existing;
    const check: CheckState = {
      ruleId: stored.id,
      groupKey: group,
      tenantId: stored.tenantId,
      lastSeenAt: null,
      runStartedAt: null,
      lastDurationMs: null,
      pings: [],
      firedAlertId: null,
    };
    this.keepCheck(check);
    return check;
  }

  private keepCheck(check: CheckState): void {
    let groups = this.checks.get(check.ruleId);
    if (!groups) this.checks.set(check.ruleId, (groups = new Map()));
    groups.set(check.groupKey, check);
  }

  /** Someone paused or resumed a check (the whole rule, every group): in log order with its pings. */
  private onCheckFact(fact: CheckFact, work: MachineChanges): void {
    const stored = this.rules.get(fact.tenantId, fact.ruleId);
    if (!stored || stored.rule.kind !== 'absence') return;
    const at = Date.parse(fact.occurredAt);
    const pause: CheckPauseState =
      fact.kind === 'check.paused'
        ? { ruleId: fact.ruleId, tenantId: fact.tenantId, pausedAt: at, pausedBy: fact.actor, resumedAt: null }
        : { ruleId: fact.ruleId, tenantId: fact.tenantId, pausedAt: null, pausedBy: null, resumedAt: at };
    this.pauses.set(fact.ruleId, pause);
    work.pauses.set(fact.ruleId, pause);
  }

  /**
   * Every enabled, unpaused check, in every group it has heard from (and the whole rule when it has no
   * groupBy): past its deadline with no alert firing for it, an alert fires, id'd by the deadline it
   * missed so each silence fires once however often the clock looks; a run started longer ago than
   * maxRunSeconds fires too, id'd by its start. A check that never heard a ping counts from its
   * rule's creation (or its resumption).
   */
  private judgeChecks(now: number, work: MachineChanges): void {
    for (const stored of this.rules.allOfKind('absence')) {
      const { rule, compiled } = stored;
      if (!this.alerting(stored) || !compiled.schedule) continue;
      const pause = this.pauses.get(stored.id) ?? null;
      const groups = this.checks.get(stored.id);
      const judged: Array<[string, CheckState | null]> = [...(groups ?? [])];
      if (!rule.groupBy && !groups?.has('')) judged.push(['', null]);
      for (const [group, state] of judged) {
        const key = keyOf(stored.id, group);
        if (this.firing.has(key)) continue;
        const since = checkSince({ createdAt: stored.createdAtMs, state, pause });
        const deadline = compiled.schedule.deadlineAfter(since);
        const maxRunMs = rule.maxRunSeconds === undefined ? null : rule.maxRunSeconds * 1000;
        const runStart = state?.runStartedAt ?? null;
        let cause: string | null = null;
        // A second past the deadline: an event at the deadline may still be on its way through a batch.
        if (now >= deadline + JUDGE_MARGIN_MS) cause = `absence@${deadline}`;
        else if (maxRunMs !== null && runStart !== null && now >= runStart + maxRunMs + JUDGE_MARGIN_MS)
          cause = `run@${runStart}`;
        if (cause === null) continue;
        const alertId = alertIdFor(stored.id, group, cause);
        // Fired for this very deadline (or run) already, and resolved by hand since: not again.
        if (state?.firedAlertId === alertId) continue;
        const check = this.checkOf(stored, group);
        check.firedAlertId = alertId;
        work.checks.set(key, check);
        this.fire(
          stored,
          key,
          {
            alertId,
            groupKey: group,
            summary: renderSummary(rule.alert.summary, eventOfGroup(rule.groupBy, group), 0),
            at: now,
            count: 0,
            lastSeenAt: state?.lastSeenAt ?? since,
            eventIds: [],
            context: [],
            dedupKey: null,
            payload: undefined,
            correlationId: alertId,
            causationId: null,
          },
          work,
        );
        this.inFlight.add(alertId);
      }
    }
  }

  // ---- match alerts' quiet periods ---------------------------------------------------------------

  /** Match alerts whose rule resolves after a quiet period, and which had no match for that long. */
  private judgeQuietPeriods(now: number, work: MachineChanges): void {
    for (const [key, alert] of [...this.firing]) {
      const stored = this.rules.get(alert.tenantId, alert.ruleId);
      if (!stored) {
        // Its rule was deleted: nothing will ever resolve it otherwise.
        this.resolve(key, alert, now, 'rule-deleted', null, work);
        continue;
      }
      if (alert.ruleKind !== 'match') continue;
      const resolve = stored.rule.resolve;
      if (!resolve || !('quietSeconds' in resolve)) continue;
      // A second past its end, like deadlines (a match at its end may still be on its way), and as of
      // its end, as a replay that meets the next event decides.
      const end = alert.lastSeenAt + resolve.quietSeconds * 1000;
      if (now < end + JUDGE_MARGIN_MS) continue;
      this.resolve(key, alert, end, 'quiet', null, work);
    }
  }

  // ---- what people do to alerts ------------------------------------------------------------------

  /**
   * An alert fact, back through the log. What a person did (acknowledged, unacknowledged, resolved by
   * hand) changes the firing alert. What this machine decided comes back too: the log is the record of
   * what the clock decided, so its decisions are taken from there when the machine does not hold them
   * (a rebuild, a restart between the decision and its commit), and a replay ends where the first run
   * did. A fact for an alert no longer firing changes nothing.
   */
  private onAlertFact(fact: AlertFact, work: MachineChanges): void {
    if (fact.kind === 'alert.fired') {
      this.onOwnFired(fact, work);
      return;
    }
    const key = this.firingById.get(fact.alertId);
    const alert = key === undefined ? undefined : this.firing.get(key);
    if (key === undefined || !alert || alert.tenantId !== fact.tenantId) return;
    switch (fact.kind) {
      case 'alert.acknowledged':
        alert.acknowledged = { at: Date.parse(fact.acknowledgedAt), by: fact.actor, note: fact.note };
        break;
      case 'alert.unacknowledged':
        alert.acknowledged = null;
        break;
      case 'alert.unsilenced':
        alert.silencedBy = null;
        break;
      case 'alert.resolved':
        this.dropFiring(key);
        alert.state = 'resolved';
        alert.resolvedAt = Date.parse(fact.resolvedAt);
        alert.resolveReason = fact.reason;
        if (fact.reason === 'manual') {
          alert.resolvedBy = fact.actor ?? null;
          alert.resolveNote = fact.note ?? null;
        }
        break;
    }
    work.alerts.set(alert.alertId, alert);
  }

  /**
   * The clock's `alert.fired` (a missed deadline, a run too long: no event caused it) back through the
   * log. Still firing, or fired here and resolved since (its resolution follows it on the log): nothing
   * to do. Otherwise it is taken as the log says (a replay has no clock). Alerts events fire are decided
   * again from those events.
   */
  private onOwnFired(fact: AlertFired, work: MachineChanges): void {
    if (fact.causationId !== null || fact.ruleKind !== 'absence') return;
    const decidedHere = this.inFlight.delete(fact.alertId);
    if (decidedHere || this.firingById.has(fact.alertId)) return;
    const key = keyOf(fact.ruleId, fact.groupKey);
    if (this.firing.has(key)) return;
    const stored = this.rules.get(fact.tenantId, fact.ruleId);
    const check = stored ? this.checkOf(stored, fact.groupKey) : undefined;
    if (check) {
      check.firedAlertId = fact.alertId;
      work.checks.set(key, check);
    }
    const alert: AlertState = {
      alertId: fact.alertId,
      tenantId: fact.tenantId,
      ruleId: fact.ruleId,
      ruleName: fact.ruleName,
      ruleKind: fact.ruleKind,
      groupKey: fact.groupKey,
      state: 'firing',
      severity: fact.severity,
      summary: fact.summary,
      firedAt: Date.parse(fact.firedAt),
      resolvedAt: null,
      resolveReason: null,
      count: 0,
      lastSeenAt: check?.lastSeenAt ?? Date.parse(fact.firedAt),
      eventIds: [...fact.eventIds],
      context: [...fact.context],
      acknowledged: null,
      resolvedBy: null,
      resolveNote: null,
      dedupKey: null,
      silencedBy: fact.silencedBy ?? null,
    };
    this.setFiring(key, alert);
    work.alerts.set(alert.alertId, alert);
  }

  // ---- silences ----------------------------------------------------------------------------------

  /**
   * A silence created or expired, in log order with the events (so a rebuild decides the same). An
   * expiry ends the silence at its time: alerts it still covered are unsilenced then.
   */
  private onSilenceFact(fact: SilenceFact, work: MachineChanges): void {
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
    for (const key of this.firingByTenant.get(fact.tenantId) ?? []) {
      const alert = this.firing.get(key)!;
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

  /** The silence of the tenant that covers an alert of this rule and group firing at `at`, if any. */
  private silenceCovering(stored: RuleOfTenant, group: string, payload: unknown, at: number): string | null {
    const candidate = { ruleId: stored.id, severity: stored.rule.alert.severity, groupKey: group, payload };
    for (const window of this.silencesByTenant.get(stored.tenantId)?.values() ?? []) {
      if (window.covers(candidate, at)) return window.silenceId;
    }
    return null;
  }

  /**
   * Firing alerts whose silence is over (by the clock, like deadlines): webhooks are told now. Silences
   * over for a day leave memory (their rows stay until the retention purge): no alert can fire at a
   * time they covered any more, and a tenant that makes and ends silences without pause must not slow
   * the judging of everyone's alerts.
   */
  private judgeSilences(now: number, work: MachineChanges): void {
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

  private unsilence(alert: AlertState, at: number, work: MachineChanges): void {
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

  // ---- the firing index --------------------------------------------------------------------------

  private setFiring(key: string, alert: AlertState): void {
    this.firing.set(key, alert);
    this.firingById.set(alert.alertId, key);
    let ofTenant = this.firingByTenant.get(alert.tenantId);
    if (!ofTenant) this.firingByTenant.set(alert.tenantId, (ofTenant = new Set()));
    ofTenant.add(key);
  }

  private dropFiring(key: string): void {
    const alert = this.firing.get(key);
    if (!alert) return;
    this.firing.delete(key);
    this.firingById.delete(alert.alertId);
    const ofTenant = this.firingByTenant.get(alert.tenantId);
    ofTenant?.delete(key);
    if (ofTenant?.size === 0) this.firingByTenant.delete(alert.tenantId);
  }
}
