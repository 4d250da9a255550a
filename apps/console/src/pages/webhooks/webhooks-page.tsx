import * as Tabs from '@radix-ui/react-tabs';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { RelativeTime } from '../../ui/relative-time';
import { EmptyState, Loading, ProblemMessage } from '../../ui/states';
import { percent, triggerSummary, useIngest, useWebhooks } from './api';
import { HttpStatus } from './exchange';
import { HealthLabel, LastResult } from './health';

/** Managed Infra → Webhooks: the inbound endpoint and the outbound webhooks, one tab each (the tab is in the URL). */
export function WebhooksPage() {
  const { tab } = useSearch({ from: '/app/webhooks' });
  const navigate = useNavigate({ from: '/webhooks' });
  return (
    <>
      <h1>Webhooks</h1>
      <Tabs.Root
        value={tab}
        onValueChange={(value) => void navigate({ search: { tab: value === 'outbound' ? 'outbound' : 'inbound' } })}
      >
        <Tabs.List className="tabs-list" aria-label="Webhook direction">
          <Tabs.Trigger value="inbound">Inbound</Tabs.Trigger>
          <Tabs.Trigger value="outbound">Outbound</Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="inbound">
          <InboundSummary />
        </Tabs.Content>
        <Tabs.Content value="outbound">
          <OutboundList />
        </Tabs.Content>
      </Tabs.Root>
    </>
  );
}

function InboundSummary() {
  const ingest = useIngest();
  if (ingest.isPending) return <Loading what="the inbound endpoint" />;
  if (ingest.isError) return <ProblemMessage error={ingest.error} />;
  const { endpoint, ingestKey, lastRequest, requests, rateLimit } = ingest.data;
  return (
    <section className="panel" aria-labelledby="inbound-title">
      <h2 id="inbound-title">Inbound endpoint</h2>
      <dl className="facts">
        <dt>Endpoint</dt>
        <dd>
          <code className="wrap">POST {endpoint}</code>
        </dd>
        <dt>Ingest key</dt>
        <dd>{ingestKey ? <code>{ingestKey.masked}</code> : 'none'}</dd>
        <dt>Rate limit</dt>
        <dd>
          {rateLimit.perSecond} requests per second (burst {rateLimit.burst})
        </dd>
        <dt>Last request</dt>
        <dd>
          {lastRequest ? (
            <span className="row">
              <HttpStatus code={lastRequest.status} /> <RelativeTime value={lastRequest.receivedAt} />
            </span>
          ) : (
            'none yet'
          )}
        </dd>
        <dt>Recent requests</dt>
        <dd>{requests.length} (the latest 100 are kept)</dd>
      </dl>
      {!lastRequest && (
        <p className="help">
          No events received yet: send one with <code>POST {endpoint}</code> and your ingest key in{' '}
          <code>X-Daalu-Key</code>.
        </p>
      )}
      <Link to="/webhooks/inbound" className="button">
        Open inbound detail
      </Link>
    </section>
  );
}

/** The outbound webhooks, each with its health at a glance (read again every 15 s while shown). */
function OutboundList() {
  const webhooks = useWebhooks(15_000);
  return (
    <>
      <div className="actions">
        <Link to="/webhooks/outbound/new" className="button">
          New webhook
        </Link>
      </div>
      {webhooks.isPending && <Loading what="webhooks" />}
      {webhooks.isError && <ProblemMessage error={webhooks.error} />}
      {webhooks.data && webhooks.data.items.length === 0 && (
        <EmptyState title="No outbound webhooks yet">
          <p>
            Create one to have Daalu POST to your URL when an alert fires, a proposal changes, or an event arrives:{' '}
            <Link to="/webhooks/outbound/new">New webhook</Link>.
          </p>
        </EmptyState>
      )}
      {webhooks.data && webhooks.data.items.length > 0 && (
        <table>
          <caption className="visually-hidden">Outbound webhooks</caption>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Description</th>
              <th scope="col">Trigger</th>
              <th scope="col">Health</th>
              <th scope="col">Success, 24 h</th>
              <th scope="col">Last attempt</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {webhooks.data.items.map((webhook) => (
              <tr key={webhook.id}>
                <td>
                  <Link to="/webhooks/outbound/$webhookId" params={{ webhookId: webhook.id }}>
                    <code className="wrap">{webhook.url}</code>
                  </Link>
                </td>
                <td>{webhook.description || '—'}</td>
                <td>
                  {triggerSummary(webhook.trigger)}
                  {webhook.batch ? ` · batches of ${webhook.batch.maxEvents} / ${webhook.batch.maxSeconds} s` : ''}
                </td>
                <td data-health={webhook.health.state}>
                  <HealthLabel health={webhook.health} />
                  {webhook.health.state === 'disabled' && (
                    <p className="help">{webhook.health.disabledReason ?? webhook.disabledReason}</p>
                  )}
                </td>
                <td>{percent(webhook.health.successRate24h)}</td>
                <td>
                  <LastResult health={webhook.health} />
                </td>
                <td>
                  <RelativeTime value={webhook.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
