import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager } from 'typeorm';
import {
  AlertFiredCodec,
  AlertResolvedCodec,
  AlertUnsilencedCodec,
  decodeEventStreamFact,
  type EventStreamFact,
  type StreamNames,
  type Subjects,
} from '@daalu/contracts';
import type { JetStreamPublisher } from '@daalu/platform/jetstream';
import type { BatchContext, Projection, Sequenced } from '@daalu/platform/projection';
import {
  alreadyEmitted,
  loadCheckPauses,
  loadChecks,
  loadFiringAlerts,
  loadRecentChanges,
  loadSilences,
  loadWindows,
  recordEmitted,
  saveAlerts,
  saveCheckPauses,
  saveChecks,
  saveRecentChanges,
  saveSilences,
  saveWindows,
} from '@daalu/rules/data-access';
import { AlertMachine, ChangeContext, MachineChanges, type MachineFact } from '@daalu/rules/domain';
import type { RuleDirectory } from '../rules/rule-directory';
import type { EvaluationOptions } from './evaluation-options';

/**
 * Rules over the event log, as a projection: the alert state machine (`AlertMachine`, pure, in the
 * rules domain) decides; this class loads its state, feeds it the log and the clock, saves what
 * changed and publishes the facts it decided.
 *  - it reads the whole EVENTS stream: events, and what people did (acknowledged, resolved by hand,
 *    silenced, paused a check), in log order, so a replay decides as the first run did;
 *  - alerts are `alert.fired` / `alert.resolved` / `alert.unsilenced` facts with ids derived from their
 *    cause, published before the batch commits: a retried batch republishes the same ids (JetStream
 *    drops the duplicates), and the `emitted_fact` ledger keeps a replay from publishing an old fact;
 *  - the state is kept in memory for speed and written in each batch's transaction. It is reloaded
 *    from PostgreSQL whenever the position is not the one this replica left (start, a failed batch,
 *    another replica applied meanwhile).
 * One replica applies at a time (the projection lock), so two replicas fire each alert once.
 */
export class AlertEvaluation implements Projection<EventStreamFact | null> {
  readonly name = 'alert-evaluation';
  readonly stream: string;
  readonly filterSubject: string;
  private readonly machine: AlertMachine;
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
    this.machine = new AlertMachine(directory, new ChangeContext(options.contextTypes, options.contextWindowMs));
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
      const work = new MachineChanges();
      for (const { message } of batch) this.machine.apply(message, work);
      await this.save(manager, work);
      await saveRecentChanges(manager, this.machine.keptChanges(work), this.machine.pruneChanges(work.latestEventAt));
      this.loadedAt = position.nextCheckpoint;
    });
  }

  /**
   * The clock's part, once a second on the replica that applies, and only once it has caught up with
   * the log (so events that arrived while it was down count). In its own transaction, which locks the
   * checkpoint row: never at the same time as a batch.
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
      const work = new MachineChanges();
      this.machine.tick(now, work);
      await this.save(manager, work);
      this.loadedAt = checkpoint;
    });
  }

  async reset(manager: EntityManager): Promise<void> {
    // emitted_fact stays: it records what is on the log, which a rebuild does not change.
    await manager.query(`TRUNCATE alert, rule_window, recent_change, absence_state, check_pause, silence`);
    this.loadedAt = -1;
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

  private async load(manager: EntityManager): Promise<void> {
    this.machine.load({
      silences: await loadSilences(manager),
      firing: await loadFiringAlerts(manager),
      windows: await loadWindows(manager),
      changes: await loadRecentChanges(manager, 0),
      checks: await loadChecks(manager),
      pauses: await loadCheckPauses(manager),
    });
  }

  private async save(manager: EntityManager, work: MachineChanges): Promise<void> {
    await saveAlerts(manager, [...work.alerts.values()]);
    await saveWindows(manager, [...work.windows.values()]);
    await saveChecks(manager, [...work.checks.values()]);
    await saveCheckPauses(manager, [...work.pauses.values()]);
    await saveSilences(manager, [...work.silences.values()]);
    await this.emit(manager, work.facts);
  }

  /** Publishes the step's facts not already on the log (all acks awaited), and records them. */
  private async emit(manager: EntityManager, facts: MachineFact[]): Promise<void> {
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
