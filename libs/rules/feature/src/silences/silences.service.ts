import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import {
  SCHEMA_VERSION,
  SilenceCreatedCodec,
  SilenceExpiredCodec,
  type SilenceMatchers,
  type Subjects,
} from '@daalu/contracts';
import { problem, ProblemException, publishFailureProblem } from '@daalu/platform/http';
import { JetStreamPublisher, SUBJECTS } from '@daalu/platform/jetstream';
import { listSilences, type SilenceView } from '@daalu/rules/data-access';
import { readOnceApplied } from '../read-once-applied';

/** Silences active or pending at once, per tenant. */
export const MAX_OPEN_SILENCES = 1000;

const notFound = () => new ProblemException(problem(404, 'not-found', 'Not found', 'no such silence'));

/**
 * Silences as facts on the alerts' subject of the log (so the evaluator applies them in log order with
 * the events, and a rebuild decides the same), read back from the evaluator's `silence` table once it
 * has applied them.
 */
@Injectable()
export class SilencesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: JetStreamPublisher,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
  ) {}

  async create(
    tenantId: string,
    actor: string,
    spec: { matchers: SilenceMatchers; startsAt: string; endsAt: string; comment: string },
  ): Promise<SilenceView> {
    // Bounded per tenant: every alert that fires is judged against its tenant's silences.
    const [{ n }]: Array<{ n: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM silence WHERE tenant_id = $1 AND expired_at IS NULL AND ends_at > now()`,
      [tenantId],
    );
    if (n >= MAX_OPEN_SILENCES)
      throw new ProblemException(
        problem(409, 'conflict', 'Conflict', `at most ${MAX_OPEN_SILENCES} silences active or pending per tenant`),
      );
    const silenceId = uuidv7();
    const id = uuidv7();
    try {
      await this.publisher.publish(this.subjects.alert(tenantId), SilenceCreatedCodec, {
        schemaVersion: SCHEMA_VERSION,
        kind: 'silence.created',
        id,
        tenantId,
        correlationId: id,
        causationId: null,
        occurredAt: new Date().toISOString(),
        actor,
        silenceId,
        ...spec,
      });
    } catch (error) {
      throw publishFailureProblem(error, 'retry');
    }
    return this.applied(tenantId, silenceId, () => true);
  }

  async expire(tenantId: string, silenceId: string, actor: string): Promise<SilenceView> {
    const [silence] = await listSilences(this.dataSource, tenantId, { silenceId });
    if (!silence) throw notFound();
    if (silence.state === 'expired') return silence;
    const id = uuidv7();
    try {
      await this.publisher.publish(this.subjects.alert(tenantId), SilenceExpiredCodec, {
        schemaVersion: SCHEMA_VERSION,
        kind: 'silence.expired',
        id,
        tenantId,
        correlationId: id,
        causationId: null,
        occurredAt: new Date().toISOString(),
        actor,
        silenceId,
      });
    } catch (error) {
      throw publishFailureProblem(error, 'retry');
    }
    return this.applied(tenantId, silenceId, (view) => view.expiredAt !== null);
  }

  list(tenantId: string, state?: SilenceView['state']): Promise<SilenceView[]> {
    return listSilences(this.dataSource, tenantId, { state });
  }

  async get(tenantId: string, silenceId: string): Promise<SilenceView> {
    const [silence] = await listSilences(this.dataSource, tenantId, { silenceId });
    if (!silence) throw notFound();
    return silence;
  }

  private applied(tenantId: string, silenceId: string, done: (view: SilenceView) => boolean): Promise<SilenceView> {
    return readOnceApplied(
      async () => (await listSilences(this.dataSource, tenantId, { silenceId }))[0],
      done,
      'stored on the log; the alerts have not caught up yet: read it again',
    );
  }
}
