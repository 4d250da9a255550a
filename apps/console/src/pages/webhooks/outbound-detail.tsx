import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import type { Webhook } from '@daalu/client';
import { daalu, data } from '../../api/client';
import { Confirm } from '../../ui/confirm';
import { CopyButton } from '../../ui/copy-button';
import { focusHeadingNext } from '../../ui/focus';
import { BackLabel, PageHeader } from '../../ui/page-header';
import { RelativeTime } from '../../ui/relative-time';
import { EmptyState, Loading, ProblemMessage, StatusLabel } from '../../ui/states';
import { triggerSummary, useLastDelivery, useWebhook, webhookKeys, webhookName } from './api';
import { DeliveryChart } from './chart';
import { Exchange } from './exchange';
import { HealthBanner, HealthFacts, HealthLabel } from './health';
import { History } from './history';
import { RecoverPanel } from './recover';
import { cleanDeliveriesSearch } from './search';
import { SigningSecret } from './signing-secret';

/**
 * Webhooks → one outbound webhook, named by its description (else its URL) with its health: a banner
 * when failing or disabled, its settings beside the last 24 hours, the signing secret with how to
 * verify, Recover, the last delivery, the history under the URL's filters, and Delete set apart at
 * the bottom.
 */
export function OutboundDetailPage() {
  const { webhookId } = useParams({ from: '/app/webhooks/outbound/$webhookId' });
  const search = useSearch({ from: '/app/webhooks/outbound/$webhookId' });
  const navigate = useNavigate({ from: '/webhooks/outbound/$webhookId' });
  const filters = cleanDeliveriesSearch(search);
  const webhook = useWebhook(webhookId, 10_000);
  // After "Send test event" or "Redeliver", the history is polled quickly for a while (see useDeliveries).
  const [fastUntil, setFastUntil] = useState(0);
  const watch = () => setFastUntil(Date.now() + 30_000);
  const queryClient = useQueryClient();
  const test = useMutation({
    mutationFn: () => data(daalu.POST('/api/v1/webhooks/{id}/test', { params: { path: { id: webhookId } } })),
    onSuccess: () => {
      watch();
      return queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(webhookId) });
    },
  });
  const back = (
    <Link to="/webhooks" search={{ tab: 'outbound' }}>
      <BackLabel to="Webhooks" />
    </Link>
  );
  if (!webhook.data) {
    return (
      <>
        <PageHeader back={back} title="Outbound webhook" />
        {webhook.isPending && <Loading what="the webhook" />}
        {webhook.isError && <ProblemMessage error={webhook.error} />}
      </>
    );
  }
  const w = webhook.data;
  return (
    <>
      <PageHeader
        back={back}
        title={webhookName(w)}
        badge={<HealthLabel health={w.health} />}
        description={
          <span className="row">
            <code data-testid="webhook-url">{w.url}</code>
            <CopyButton value={w.url} label="Copy URL" small />
          </span>
        }
        actions={
          <>
            {/* aria-disabled, not disabled: a focused button that gets disabled drops focus to <body>. */}
            <button
              type="button"
              className="secondary"
              aria-disabled={test.isPending || undefined}
              onClick={() => !test.isPending && test.mutate()}
            >
              {test.isPending ? 'Sending…' : 'Send test event'}
            </button>
            <Link to="/webhooks/outbound/$webhookId/edit" params={{ webhookId }} className="button">
              Edit
            </Link>
          </>
        }
      />
      {test.data && (
        <p className="notice" role="status">
          Test event requested (delivery <code>{test.data.deliveryId}</code>): it appears in the history below once
          sent.
        </p>
      )}
      <ProblemMessage error={test.error} />
      <HealthBanner webhook={w} />
      <div className="card-grid">
        <Settings webhook={w} />
        <section className="card" aria-labelledby="chart-title">
          <h2 id="chart-title">Attempts, last 24 hours</h2>
          <DeliveryChart webhookId={webhookId} />
        </section>
      </div>
      <SigningSecret webhook={w} />
      <RecoverPanel webhook={w} onRequested={watch} />
      <LastDelivery webhookId={webhookId} fastUntil={fastUntil} />
      <History
        webhookId={webhookId}
        filters={filters}
        fastUntil={fastUntil}
        onRequested={watch}
        onFilter={(next) => void navigate({ search: next })}
      />
      <DangerZone webhook={w} />
    </>
  );
}

function Settings({ webhook }: { webhook: Webhook }) {
  const headerNames = Object.keys(webhook.headers);
  return (
    <section className="card" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <dl className="facts">
        {webhook.description && (
          <>
            <dt>Description</dt>
            <dd>{webhook.description}</dd>
          </>
        )}
        <HealthFacts health={webhook.health} />
        <dt>Trigger</dt>
        <dd>{triggerSummary(webhook.trigger)}</dd>
        <dt>Custom headers</dt>
        <dd>{headerNames.length ? headerNames.map((name) => `${name}: ••••••`).join(', ') : 'none'}</dd>
        <dt>Body</dt>
        <dd>{webhook.template ? 'from a template' : 'the default {id, type, tenantId, data}'}</dd>
        <dt>Batch mode</dt>
        <dd>
          {webhook.batch
            ? `up to ${webhook.batch.maxEvents} events or ${webhook.batch.maxSeconds} s per POST`
            : 'off (one POST per fact)'}
        </dd>
        <dt>Delivery settings</dt>
        <dd>{deliverySettings(webhook)}</dd>
        <dt>Updated</dt>
        <dd>
          <RelativeTime value={webhook.updatedAt} /> (version {webhook.version})
        </dd>
      </dl>
    </section>
  );
}

/** "10 POSTs/s, 5000 ms timeout, retried for 600 s", each unset one the platform's. */
function deliverySettings(webhook: Webhook): string {
  const { ratePerSecond, timeoutMs, retryWindowS } = webhook.delivery ?? {};
  const parts = [
    ratePerSecond !== undefined && `at most ${ratePerSecond} POSTs/s`,
    timeoutMs !== undefined && `${timeoutMs} ms timeout`,
    retryWindowS !== undefined && `retried for ${retryWindowS} s`,
  ].filter(Boolean);
  return parts.length ? `${parts.join(', ')} (the rest the platform's)` : "the platform's";
}

/** Delete, set apart at the bottom: after it, back to the list with focus on its heading. */
function DangerZone({ webhook }: { webhook: Webhook }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => data(daalu.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: webhook.id } } })),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: webhookKeys.one(webhook.id) });
      await queryClient.invalidateQueries({ queryKey: webhookKeys.list });
      focusHeadingNext();
      await navigate({ to: '/webhooks', search: { tab: 'outbound' } });
    },
  });
  return (
    <section className="card danger-zone" aria-labelledby="danger-title">
      <h2 id="danger-title">Danger zone</h2>
      <div className="danger-zone-row">
        <p>
          Delete this webhook: Daalu stops sending to it at once, and deliveries not sent yet are dropped. This cannot
          be undone.
        </p>
        <Confirm
          trigger={
            <button type="button" className="danger" disabled={remove.isPending}>
              Delete webhook
            </button>
          }
          title="Delete this webhook?"
          description={
            <p>
              Daalu stops sending to <code>{webhook.url}</code> at once. Deliveries not sent yet are dropped. This
              cannot be undone.
            </p>
          }
          confirmLabel="Delete webhook"
          onConfirm={() => remove.mutate()}
        />
      </div>
      <ProblemMessage error={remove.error} />
    </section>
  );
}

/**
 * The webhook's last delivery, whatever the history's filters: its latest attempt's request and
 * response side by side.
 */
function LastDelivery({ webhookId, fastUntil }: { webhookId: string; fastUntil: number }) {
  const last = useLastDelivery(webhookId, fastUntil);
  if (last.isPending) return <Loading what="the last delivery" />;
  if (last.isError) return <ProblemMessage error={last.error} />;
  const lastDelivery = last.data;
  const lastAttempt = lastDelivery?.attempts[lastDelivery.attempts.length - 1];
  return (
    <section aria-labelledby="last-delivery-title">
      <h2 id="last-delivery-title">Last delivery</h2>
      {lastDelivery && lastAttempt ? (
        <>
          <p className="row">
            <StatusLabel status={lastDelivery.state} /> <code>{lastDelivery.factType ?? lastDelivery.factKind}</code>{' '}
            attempt {lastAttempt.attempt}, <RelativeTime value={lastAttempt.at} />, {lastAttempt.durationMs} ms
          </p>
          <Exchange
            label="Last delivery"
            request={{ headers: lastAttempt.request.headers, body: lastAttempt.request.body, title: <code>POST</code> }}
            response={lastAttempt.response}
            error={lastAttempt.error}
          />
        </>
      ) : lastDelivery ? (
        <p className="row">
          <StatusLabel status={lastDelivery.state} /> <code>{lastDelivery.factType ?? lastDelivery.factKind}</code>{' '}
          requested <RelativeTime value={lastDelivery.createdAt} />, not attempted yet
        </p>
      ) : (
        <EmptyState title="Nothing delivered yet">
          <p>
            Deliveries appear here when the trigger fires. To try your receiver now, use{' '}
            <strong>Send test event</strong> above.
          </p>
        </EmptyState>
      )}
    </section>
  );
}
