import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import {
  AlertAcknowledgedCodec,
  AlertResolvedCodec,
  AlertUnacknowledgedCodec,
  SCHEMA_VERSION,
  type Subjects,
} from '@daalu/contracts';
import { problem, ProblemException, publishFailureProblem } from '@daalu/platform/http';
import { JetStreamPublisher, SUBJECTS } from '@daalu/platform/jetstream';
import { listAlerts, type AlertView } from '@daalu/rules/data-access';
import { factIdFor } from '@daalu/rules/domain';
import { readOnceApplied } from '../read-once-applied';

export type AlertAction = 'acknowledge' | 'unacknowledge' | 'resolve';

const notFound = () => new ProblemException(problem(404, 'not-found', 'Not found', 'no such alert'));
const notFiring = (alert: AlertView) =>
  new ProblemException(
    problem(409, 'conflict', 'Conflict', `the alert is resolved already (${alert.resolveReason ?? 'resolved'})`, {
      alert,
    }),
  );

/**
 * What people do to an alert: acknowledge it (it keeps firing, owned), take that back, or resolve it.
 * Each is a fact on the alert's tenant subject of the log (on the timeline, in the audit log, able to
 * trigger webhooks), which the evaluator applies in log order like everything else; the answer comes
 * once it has (the alert as it is then). Acknowledging an alert acknowledged already, or taking back
 * an acknowledgement there is not, changes nothing and publishes nothing.
 */
@Injectable()
export class AlertLifecycleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: JetStreamPublisher,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
  ) {}

  async apply(tenantId: string, alertId: string, action: AlertAction, actor: string, note: string | null) {
    const alert = await this.find(tenantId, alertId);
    if (alert.state !== 'firing') throw notFiring(alert);
    if (action === 'acknowledge' && alert.acknowledgedBy !== null) return alert;
    if (action === 'unacknowledge' && alert.acknowledgedBy === null) return alert;
    const at = new Date().toISOString();
    const identity = {
      schemaVersion: SCHEMA_VERSION,
      tenantId,
      correlationId: alertId,
      causationId: null,
      alertId,
      ruleId: alert.ruleId,
      ruleName: alert.ruleName,
      groupKey: alert.groupKey,
      severity: alert.severity,
      summary: alert.summary,
    };
    const subject = this.subjects.alert(tenantId);
    try {
      if (action === 'acknowledge') {
        await this.publisher.publish(subject, AlertAcknowledgedCodec, {
          ...identity,
          kind: 'alert.acknowledged',
          id: uuidv7(),
          acknowledgedAt: at,
          actor,
          note,
        });
      } else if (action === 'unacknowledge') {
        await this.publisher.publish(subject, AlertUnacknowledgedCodec, {
          ...identity,
          kind: 'alert.unacknowledged',
          id: uuidv7(),
          unacknowledgedAt: at,
          actor,
        });
      } else {
        // The id every resolution of this alert has: of a manual and an automatic one at once, the log keeps one.
        await this.publisher.publish(subject, AlertResolvedCodec, {
          ...identity,
          kind: 'alert.resolved',
          id: factIdFor(alertId, 'resolved'),
          resolvedAt: at,
          reason: 'manual',
          resolvingEventId: null,
          count: alert.count,
          actor,
          note,
          // Still silenced: no webhook heard it fire, none is told it ended.
          ...(alert.silencedBy ? { silenced: true } : {}),
        });
      }
    } catch (error) {
      throw publishFailureProblem(error, 'the alert changed meanwhile; read it and retry');
    }
    return this.applied(tenantId, alertId, action);
  }

  private async find(tenantId: string, alertId: string): Promise<AlertView> {
    const page = await listAlerts(this.dataSource, tenantId, { alertId }, 1);
    if (page.items.length === 0) throw notFound();
    return page.items[0];
  }

  /** The alert once the evaluator has applied the action (or resolved it otherwise meanwhile). */
  private applied(tenantId: string, alertId: string, action: AlertAction): Promise<AlertView> {
    return readOnceApplied(
      () => this.find(tenantId, alertId),
      (alert) =>
        alert.state === 'resolved' ||
        (action === 'acknowledge' && alert.acknowledgedBy !== null) ||
        (action === 'unacknowledge' && alert.acknowledgedBy === null),
      'stored on the log; the alerts have not caught up yet: read it again',
    );
  }
}
