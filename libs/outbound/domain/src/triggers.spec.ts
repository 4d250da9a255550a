import { renderTemplate } from './body-template';
import { compileTrigger, triggerFires } from './triggers';

const deploy = {
  kind: 'event.ingested' as const,
  type: 'deploy.failed',
  module: 'ci',
  source: 'github',
  severity: 'warning' as const,
};

describe('triggerFires', () => {
  it('fires on events matching the filter; events: {} fires on every event', () => {
    expect(triggerFires({ events: {} }, deploy)).toBe(true);
    expect(triggerFires({ events: { type: 'deploy.*', module: 'ci', minSeverity: 'info' } }, deploy)).toBe(true);
    expect(triggerFires({ events: { type: 'deploy.started' } }, deploy)).toBe(false);
    expect(triggerFires({ events: { source: 'gitlab' } }, deploy)).toBe(false);
    expect(triggerFires({ events: { minSeverity: 'critical' } }, deploy)).toBe(false);
    expect(triggerFires({ alerts: { states: ['fired'] } }, deploy)).toBe(false);
  });

  it('fires on alerts by state and at or above a severity', () => {
    const fired = { kind: 'alert.fired' as const, severity: 'critical' as const };
    const resolved = { kind: 'alert.resolved' as const, severity: 'info' as const };
    expect(triggerFires({ alerts: { minSeverity: 'warning', states: ['fired', 'resolved'] } }, fired)).toBe(true);
    expect(triggerFires({ alerts: { minSeverity: 'warning', states: ['fired', 'resolved'] } }, resolved)).toBe(false);
    expect(triggerFires({ alerts: { states: ['resolved'] } }, fired)).toBe(false);
    expect(triggerFires({ events: {} }, fired)).toBe(false);
  });

  it('fires on an acknowledgement only where acknowledged is selected; a taken-back one fires nothing', () => {
    const acknowledged = { kind: 'alert.acknowledged' as const, severity: 'critical' as const };
    const unacknowledged = { kind: 'alert.unacknowledged' as const, severity: 'critical' as const };
    expect(triggerFires({ alerts: { states: ['acknowledged'] } }, acknowledged)).toBe(true);
    expect(triggerFires({ alerts: { states: ['fired', 'resolved'] } }, acknowledged)).toBe(false);
    expect(triggerFires({ alerts: { states: ['fired', 'resolved', 'acknowledged'] } }, unacknowledged)).toBe(false);
  });

  it('fires on proposals of given kinds and states', () => {
    const approved = { kind: 'proposal.approved' as const, proposalKind: 'change' };
    expect(triggerFires({ proposals: { kinds: ['change'], states: ['approved'] } }, approved)).toBe(true);
    expect(triggerFires({ proposals: { states: ['approved'] } }, approved)).toBe(true);
    expect(triggerFires({ proposals: { kinds: ['rollback'], states: ['approved'] } }, approved)).toBe(false);
    expect(triggerFires({ proposals: { states: ['created'] } }, approved)).toBe(false);
  });
});

describe("payload conditions of an event trigger (the alert rules' matcher)", () => {
  const event = (payload: unknown) => ({ ...deploy, type: 'deploy.finished', payload });

  it('fires only on events whose payload holds every condition', () => {
    const prodDeploys = compileTrigger({
      events: { type: 'deploy.*', payload: [{ field: 'payload.env', op: 'eq', value: 'prod' }] },
    });
    expect(prodDeploys.fires(event({ env: 'prod', service: 'api' }))).toBe(true);
    expect(prodDeploys.fires(event({ env: 'staging' }))).toBe(false);
    expect(prodDeploys.fires(event({}))).toBe(false); // no such path: no match
    expect(prodDeploys.fires({ ...event({ env: 'prod' }), type: 'build.finished' })).toBe(false);
    const both = compileTrigger({
      events: {
        payload: [
          { field: 'region', op: 'in', value: ['eu-1', 'eu-2'] },
          { field: 'replicas', op: 'gt', value: 3 },
          { field: 'sha', op: 'exists' },
        ],
      },
    });
    expect(both.fires(event({ region: 'eu-2', replicas: '4', sha: 'a1b2' }))).toBe(true);
    expect(both.fires(event({ region: 'eu-2', replicas: 3, sha: 'a1b2' }))).toBe(false);
    expect(both.fires(event({ region: 'us-1', replicas: 9, sha: 'a1b2' }))).toBe(false);
    expect(both.fires(event({ region: 'eu-1', replicas: 9, sha: null }))).toBe(false);
    // An empty list, or none, is no condition.
    expect(compileTrigger({ events: { payload: [] } }).fires(event('anything'))).toBe(true);
    expect(triggerFires({ events: { payload: [{ field: 'env', op: 'exists' }] } }, event({ env: 'x' }))).toBe(true);
  });

  it('never throws on an odd payload, and never fires on one that lacks the path', () => {
    const trigger = compileTrigger({ events: { payload: [{ field: 'env', op: 'neq', value: 'staging' }] } });
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { env: deep };
    for (const payload of [undefined, null, 'prod', 42, [], [{ env: 'prod' }], { other: 1 }]) {
      expect(trigger.fires(event(payload))).toBe(false);
    }
    expect(trigger.fires(event(deep))).toBe(true); // present and not "staging"
    expect(trigger.fires(event({ env: 'p\u0000rod'.repeat(100_000) }))).toBe(true);
    expect(trigger.fires({ ...deploy })).toBe(false); // a fact without its payload
  });

  it('looks at events only: alerts and proposals are judged as before', () => {
    const trigger = compileTrigger({
      alerts: { states: ['fired'] },
      events: { payload: [{ field: 'env', op: 'eq', value: 'prod' }] },
    });
    expect(trigger.fires({ kind: 'alert.fired', severity: 'info' })).toBe(true);
    expect(trigger.fires({ kind: 'proposal.created', proposalKind: 'change' })).toBe(false);
  });
});

describe('renderTemplate', () => {
  it('fills a ticket body from the delivery, keeping value types for lone placeholders', () => {
    const data = { summary: 'disk on backup-1 at 93%', severity: 'critical', payload: { pct: 93, tags: ['a'] } };
    const body = renderTemplate(
      {
        fields: {
          summary: '[{{severity}}] {{summary}}',
          project: { key: 'OPS' },
          pct: '{{payload.pct}}',
          tags: '{{payload.tags}}',
          none: '{{payload.missing}}',
          list: ['{{severity}}'],
        },
      },
      data,
    );
    expect(body).toEqual({
      fields: {
        summary: '[critical] disk on backup-1 at 93%',
        project: { key: 'OPS' },
        pct: 93,
        tags: ['a'],
        none: null,
        list: ['critical'],
      },
    });
    expect(renderTemplate('{{__proto__}}|{{constructor.name}}', data)).toBe('|');
  });
});
