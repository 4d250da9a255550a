import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager } from 'typeorm';
import {
  AlertFiredCodec,
  AlertResolvedCodec,
  EventIngestedCodec,
  type AlertFired,
  type AlertResolved,
  type EventIngested,
  type StreamNames,
  type Subjects,
} from '@daalu/contracts';
import type { JetStreamPublisher } from '@daalu/platform/jetstream';
import type { BatchContext, Projection, Sequenced } from '@daalu/platform/projection';
import {
  alreadyEmitted,
  loadFiringAlerts,
  loadRecentChanges,
  loadWindows,
  recordEmitted,
  saveAlerts,
  saveRecentChanges,
  saveWindows,
  type AlertState,
  type ChangeEvent,
  type WindowState,
} from '@daalu/rules/data-access';
import { groupKey, renderSummary, slideWindow, valueAt } from '@daalu/rules/domain';
import type { RuleDirectory, StoredRule } from '../rules/rule-directory';
import { alertIdFor, factIdFor } from './alert-ids';
import { ChangeContext } from './change-context';
import type { EvaluationOptions } from './evaluation-options';

const MAX_EVENT_IDS = 100;

type Fact = { kind: 'alert.fired'; fact: AlertFired } | { kind: 'alert.resolved'; fact: AlertResolved };

/** What one batch changed: written in its transaction, published before it commits. */
class BatchWork {
  readonly alerts = new Map<string, AlertState>();
  readonly windows = new Map<string, WindowState>();
  readonly changes: ChangeEvent[] = [];
  readonly facts: Fact[] = [];
}

/**
 * Match rules over the event log: every ingested event, in log order, against its tenant's rules.
 *  - a match (or the N-th match within W, per group) fires an alert; while it fires, more matches
 *    update it (count, last seen) instead of firing again; a resolving event resolves it;
 *  - alerts are `alert.fired` / `alert.resolved` facts on the log, with ids derived from their cause,
 *    published before the batch commits: a retried batch republishes the same ids (JetStream drops the
 *    duplicates), and the `emitted_fact` ledger keeps a replay from publishing an old fact again;
 *  - the state (firing alerts, threshold windows, recent changes for context) is kept in memory for
 *    speed and written in each batch's transaction. It is reloaded from PostgreSQL whenever the position
 *    is not the one this replica left (start, a failed batch, another replica applied meanwhile);
 *  - times are the events' receivedAt, never the clock: a replay decides exactly as the first run did.
 * One replica applies at a time (the projection lock), so two replicas fire each alert once.
 */
export class AlertEvaluation implements Projection<EventIngested> {
  readonly name = 'alert-evaluation';
  readonly stream: string;
  readonly filterSubject: string;
  private readonly firing = new Map<string, AlertState>();
  private readonly windows = new Map<string, WindowState>();
  private readonly context: ChangeContext;
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
    this.filterSubject = subjects.allEvents;
    this.context = new ChangeContext(options.contextTypes, options.contextWindowMs);
  }

  decode(msg: JsMsg): EventIngested {
    return EventIngestedCodec.decode(msg.data);
  }

  async apply(batch: Sequenced<EventIngested>[], manager: EntityManager, position: BatchContext): Promise<void> {
    // Judging events without the tenant's rules would miss alerts: wait for the rules at start.
    await this.directory.untilCaughtUp();
    try {
      if (this.loadedAt !== position.checkpoint) await this.load(manager);
      const work = new BatchWork();
      let latest = 0;
      for (const { message } of batch) {
        this.evaluate(message, work);
        latest = Math.max(latest, Date.parse(message.receivedAt));
      }
      await saveAlerts(manager, [...work.alerts.values()]);
      await saveWindows(manager, [...work.windows.values()]);
      await saveRecentChanges(manager, work.changes, this.context.prune(latest));
      await this.emit(manager, work.facts);
      this.loadedAt = position.nextCheckpoint;
    } catch (error) {
      this.loadedAt = -1;
      throw error;
    }
  }

  async reset(manager: EntityManager): Promise<void> {
    // emitted_fact stays: it records what is on the log, which a rebuild does not change.
    await manager.query(`TRUNCATE alert, rule_window, recent_change`);
    this.loadedAt = -1;
  }

  private async load(manager: EntityManager): Promise<void> {
    this.firing.clear();
    this.windows.clear();
    this.context.clear();
    for (const alert of await loadFiringAlerts(manager)) this.firing.set(`${alert.ruleId}|${alert.groupKey}`, alert);
    for (const window of await loadWindows(manager)) this.windows.set(`${window.ruleId}|${window.groupKey}`, window);
    for (const change of await loadRecentChanges(manager, 0)) this.context.add(change);
  }

  private evaluate(event: EventIngested, work: BatchWork): void {
    const change = this.context.remember(event);
    if (change) work.changes.push(change);
    const rules = this.directory.list(event.tenantId);
    if (rules.length === 0) return;
    const at = Date.parse(event.receivedAt);
    for (const stored of rules) {
      const { rule, compiled } = stored;
      if (!rule.enabled || rule.kind !== 'match') continue;
      const matched = compiled.match.matches(event);
      if (!matched && !compiled.resolve?.matches(event)) continue;
      const group = groupKey(rule.groupBy, event);
      const key = `${stored.id}|${group}`;
      const firing = this.firing.get(key);
      if (firing && matched) {
        firing.count++;
        firing.lastSeenAt = at;
        if (firing.eventIds.length < MAX_EVENT_IDS) firing.eventIds.push(event.id);
        work.alerts.set(firing.alertId, firing);
      } else if (firing) {
        this.firing.delete(key);
        this.resolve(firing, at, event, work);
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
    return full ? kept.map((entry) => entry.id) : null;
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
    const alert: AlertState = {
      alertId: alertIdFor(stored.id, group, event.id),
      tenantId: event.tenantId,
      ruleId: stored.id,
      ruleName: rule.name,
      ruleKind: rule.kind,
      groupKey: group,
      state: 'firing',
      severity: rule.alert.severity,
      summary: renderSummary(rule.alert.summary, event, eventIds.length),
      firedAt: at,
      resolvedAt: null,
      resolveReason: null,
      count: eventIds.length,
      lastSeenAt: at,
      eventIds: [...eventIds],
      context: this.context.before(event.tenantId, at, valueAt(event.payload, ['service'])),
    };
    this.firing.set(key, alert);
    work.alerts.set(alert.alertId, alert);
    work.facts.push({
      kind: 'alert.fired',
      fact: {
        schemaVersion: 1,
        kind: 'alert.fired',
        id: factIdFor(alert.alertId, 'fired'),
        tenantId: alert.tenantId,
        correlationId: event.correlationId,
        causationId: event.id,
        alertId: alert.alertId,
        ruleId: stored.id,
        ruleVersion: stored.version,
        ruleName: rule.name,
        ruleKind: rule.kind,
        groupKey: group,
        severity: alert.severity,
        summary: alert.summary,
        firedAt: new Date(at).toISOString(),
        // Copies: later events of the same batch update the alert, never the fact already made.
        eventIds: [...alert.eventIds],
        context: [...alert.context],
      },
    });
  }

  private resolve(alert: AlertState, at: number, event: EventIngested, work: BatchWork): void {
    alert.state = 'resolved';
    alert.resolvedAt = at;
    alert.resolveReason = 'resolving-event';
    work.alerts.set(alert.alertId, alert);
    work.facts.push({
      kind: 'alert.resolved',
      fact: {
        schemaVersion: 1,
        kind: 'alert.resolved',
        id: factIdFor(alert.alertId, 'resolved'),
        tenantId: alert.tenantId,
        correlationId: alert.alertId,
        causationId: event.id,
        alertId: alert.alertId,
        ruleId: alert.ruleId,
        ruleName: alert.ruleName,
        groupKey: alert.groupKey,
        severity: alert.severity,
        summary: alert.summary,
        resolvedAt: new Date(at).toISOString(),
        reason: 'resolving-event',
        resolvingEventId: event.id,
        count: alert.count,
      },
    });
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
      fresh.map(({ kind, fact }) =>
        kind === 'alert.fired'
          ? this.publisher.publish(this.subjects.alert(fact.tenantId), AlertFiredCodec, fact)
          : this.publisher.publish(this.subjects.alert(fact.tenantId), AlertResolvedCodec, fact),
      ),
    );
    await recordEmitted(
      manager,
      fresh.map(({ fact }) => fact.id),
    );
  }
}
