import { renderTemplate } from './body-template';
import { triggerFires } from './triggers';

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

  it('fires on proposals of given kinds and states', () => {
    const approved = { kind: 'proposal.approved' as const, proposalKind: 'change' };
    expect(triggerFires({ proposals: { kinds: ['change'], states: ['approved'] } }, approved)).toBe(true);
    expect(triggerFires({ proposals: { states: ['approved'] } }, approved)).toBe(true);
    expect(triggerFires({ proposals: { kinds: ['rollback'], states: ['approved'] } }, approved)).toBe(false);
    expect(triggerFires({ proposals: { states: ['created'] } }, approved)).toBe(false);
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
