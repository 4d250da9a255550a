import * as Tabs from '@radix-ui/react-tabs';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { CodeBlock } from '../../ui/code-block';
import { CopyButton } from '../../ui/copy-button';
import { PageHeader } from '../../ui/page-header';
import { RelativeTime } from '../../ui/relative-time';
import { sendEventCurl } from '../../ui/curl-examples';
import { EmptyState, Loading, ProblemMessage } from '../../ui/states';
import { percent, triggerSummary, useIngest, useWebhooks } from './api';
import { HttpStatus } from './exchange';
import { HealthLabel, LastResult } from './health';

/** Webhooks: the inbound endpoint and the outbound webhooks, one tab each (the tab is in the URL). */
export function WebhooksPage() {
  const { tab } = useSearch({ from: '/app/webhooks' });
  const navigate = useNavigate({ from: '/webhooks' });
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Events come in at your inbound endpoint; Daalu sends signed outbound webhooks to your URLs."
        actions={
          <Link to="/webhooks/outbound/new" className="button">
            Add outbound webhook
          </Link>
        }
      />
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
    <div className="card-grid">
      <section className="card" aria-labelledby="inbound-title">
        <div className="card-head">
          <h2 id="inbound-title">Inbound endpoint</h2>
          <Link to="/webhooks/inbound" className="button secondary">
            Open inbound detail
          </Link>
        </div>
        <dl className="facts">
          <dt>Endpoint</dt>
          <dd className="row">
            <code>POST {endpoint}</code>
            <CopyButton value={endpoint} label="Copy endpoint URL" small />
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
      </section>
      {!lastRequest && (
        <section className="card" aria-labelledby="first-event-title">
          <h2 id="first-event-title">Send your first event</h2>
          <p className="help">
            With <code>DAALU_KEY</code> set to your ingest key (<code>{ingestKey?.masked ?? 'dik_…'}</code>, shown once
            when it was issued; lost it? Rotate it on the inbound detail):
          </p>
          <CodeBlock code={sendEventCurl(endpoint)} label="Send a test event" copyLabel="Copy the curl command" />
        </section>
      )}
    </div>
  );
}

/** The outbound webhooks, each with its health at a glance (read again every 15 s while shown). */
function OutboundList() {
  const webhooks = useWebhooks(15_000);
  return (
    <>
      {webhooks.isPending && <Loading what="webhooks" />}
      {webhooks.isError && <ProblemMessage error={webhooks.error} />}
      {webhooks.data && webhooks.data.items.length === 0 && (
        <EmptyState title="No outbound webhooks yet">
          <p>
            Add one to have Daalu POST to your URL, signed, when an alert fires, a proposal changes, or an event
            arrives.
          </p>
          <Link to="/webhooks/outbound/new" className="button">
            Add outbound webhook
          </Link>
        </EmptyState>
      )}
      {webhooks.data && webhooks.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table-stack">
            <caption className="visually-hidden">Outbound webhooks</caption>
            <thead>
              <tr>
                <th scope="col">Webhook</th>
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
                  <td data-label="Webhook">
                    <Link to="/webhooks/outbound/$webhookId" params={{ webhookId: webhook.id }}>
                      <code>{webhook.url}</code>
                    </Link>
                    {webhook.description && <p className="help">{webhook.description}</p>}
                  </td>
                  <td data-label="Trigger">
                    {triggerSummary(webhook.trigger)}
                    {webhook.batch ? ` · batches of ${webhook.batch.maxEvents} / ${webhook.batch.maxSeconds} s` : ''}
                  </td>
                  <td data-label="Health" data-health={webhook.health.state}>
                    <HealthLabel health={webhook.health} />
                    {webhook.health.state === 'disabled' && (
                      <p className="help">{webhook.health.disabledReason ?? webhook.disabledReason}</p>
                    )}
                  </td>
                  <td data-label="Success, 24 h">{percent(webhook.health.successRate24h)}</td>
                  <td data-label="Last attempt">
                    <LastResult health={webhook.health} />
                  </td>
                  <td data-label="Updated">
                    <RelativeTime value={webhook.updatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
