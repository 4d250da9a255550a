import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import type { Webhook } from '@daalu/client';
import { daalu, data } from '../../api/client';
import { Confirm } from '../../ui/confirm';
import { CopyButton } from '../../ui/copy-button';
import { RelativeTime } from '../../ui/relative-time';
import { EmptyState, Loading, ProblemMessage, StatusLabel } from '../../ui/states';
import { triggerSummary, useLastDelivery, useWebhook, webhookKeys } from './api';
import { DeliveryChart } from './chart';
import { Exchange } from './exchange';
import { HealthBanner, HealthFacts } from './health';
import { History } from './history';
import { RecoverPanel } from './recover';
import { cleanDeliveriesSearch } from './search';

/**
 * Managed Infra → Webhooks → one outbound webhook: its health (a banner when failing or disabled), its
 * settings, the last 24 hours as a chart, the signing secret, Recover, and the history under the URL's
 * filters.
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
  return (
    <>
      <p>
        <Link to="/webhooks" search={{ tab: 'outbound' }}>
          ← Webhooks
        </Link>
      </p>
      <h1>Outbound webhook</h1>
      {webhook.isPending && <Loading what="the webhook" />}
      {webhook.isError && <ProblemMessage error={webhook.error} />}
      {webhook.data && (
        <>
          <HealthBanner webhook={webhook.data} />
          <Settings webhook={webhook.data} onRequested={watch} />
          <section className="panel" aria-labelledby="chart-title">
            <h2 id="chart-title">Attempts, last 24 hours</h2>
            <DeliveryChart webhookId={webhookId} />
          </section>
          <SigningSecret webhook={webhook.data} />
          <RecoverPanel webhook={webhook.data} onRequested={watch} />
          <LastDelivery webhookId={webhookId} fastUntil={fastUntil} />
          <History
            webhookId={webhookId}
            filters={filters}
            fastUntil={fastUntil}
            onRequested={watch}
            onFilter={(next) => void navigate({ search: next })}
          />
        </>
      )}
    </>
  );
}

function Settings({ webhook, onRequested }: { webhook: Webhook; onRequested: () => void }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const test = useMutation({
    mutationFn: () => data(daalu.POST('/api/v1/webhooks/{id}/test', { params: { path: { id: webhook.id } } })),
    onSuccess: () => {
      onRequested();
      return queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(webhook.id) });
    },
  });
  const remove = useMutation({
    mutationFn: () => data(daalu.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: webhook.id } } })),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: webhookKeys.one(webhook.id) });
      await queryClient.invalidateQueries({ queryKey: webhookKeys.list });
      await navigate({ to: '/webhooks', search: { tab: 'outbound' } });
    },
  });
  const headerNames = Object.keys(webhook.headers);
  return (
    <section className="panel" aria-labelledby="settings-title">
      <h2 id="settings-title" className="visually-hidden">
        Settings
      </h2>
      <dl className="facts">
        <dt>URL</dt>
        <dd>
          <code className="wrap">{webhook.url}</code>
        </dd>
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
      <div className="actions">
        <Link to="/webhooks/outbound/$webhookId/edit" params={{ webhookId: webhook.id }} className="button">
          Edit
        </Link>
        <button type="button" className="secondary" disabled={test.isPending} onClick={() => test.mutate()}>
          {test.isPending ? 'Sending…' : 'Send test event'}
        </button>
        <Confirm
          trigger={
            <button type="button" className="danger" disabled={remove.isPending}>
              Delete
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
      {test.data && (
        <p className="notice" role="status">
          Test event requested (delivery <code>{test.data.deliveryId}</code>): it appears in the history below once
          sent.
        </p>
      )}
      <ProblemMessage error={test.error ?? remove.error} />
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

function SigningSecret({ webhook }: { webhook: Webhook }) {
  const queryClient = useQueryClient();
  // Neither the revealed nor a rotated secret goes into the query cache: component state only, gone on leaving.
  const reveal = useMutation({
    mutationFn: () => data(daalu.GET('/api/v1/webhooks/{id}/secret', { params: { path: { id: webhook.id } } })),
  });
  const rotate = useMutation({
    mutationFn: () => data(daalu.POST('/api/v1/webhooks/{id}/rotate-secret', { params: { path: { id: webhook.id } } })),
    onSuccess: () => {
      reveal.reset();
      return queryClient.invalidateQueries({ queryKey: webhookKeys.one(webhook.id) });
    },
  });
  const previous = webhook.secrets.find((s) => s.expiresAt !== null && Date.parse(s.expiresAt) > Date.now());
  return (
    <section className="panel" aria-labelledby="secret-title">
      <h2 id="secret-title">Signing secret</h2>
      <p className="help">
        Verifies <code>X-Daalu-Signature</code> and <code>webhook-signature</code> on your receiver.
      </p>
      {rotate.data ? (
        <div className="once" role="status">
          <h3>New signing secret</h3>
          <div className="row">
            <code className="secret" data-testid="new-secret">
              {rotate.data.secret}
            </code>
            <CopyButton value={rotate.data.secret} label="Copy new secret" />
          </div>
          <p>
            Shown this once. Until <RelativeTime value={rotate.data.previousExpiresAt} /> (
            {new Date(rotate.data.previousExpiresAt).toLocaleString()}) both the previous and the new secret sign every
            delivery; then only the new one.
          </p>
        </div>
      ) : (
        <div className="row">
          {reveal.data ? (
            <>
              <code className="secret" data-testid="secret">
                {reveal.data.secret}
              </code>
              <CopyButton value={reveal.data.secret} label="Copy secret" />
            </>
          ) : (
            <>
              <code className="secret" data-testid="secret-masked">
                whsec_••••••••••••••••
              </code>
              <button type="button" className="secondary" disabled={reveal.isPending} onClick={() => reveal.mutate()}>
                {reveal.isPending ? 'Revealing…' : 'Reveal'}
              </button>
            </>
          )}
        </div>
      )}
      {reveal.data && !rotate.data && (
        <p className="help" role="status">
          Revealed to <code>{reveal.data.revealedTo}</code>; this reveal is recorded on the audit log.
        </p>
      )}
      {!reveal.data && !rotate.data && (
        <p className="help">Each reveal is recorded on the audit log, with who asked.</p>
      )}
      {previous && !rotate.data && (
        <p className="notice">
          Rotation in progress: the previous secret also signs until <RelativeTime value={previous.expiresAt} />.
        </p>
      )}
      <div className="actions">
        <Confirm
          trigger={
            <button type="button" className="secondary" disabled={rotate.isPending}>
              {rotate.isPending ? 'Rotating…' : 'Rotate secret'}
            </button>
          }
          title="Rotate the signing secret?"
          description={
            <p>
              A new secret is issued and shown once. For 24 hours (until{' '}
              {new Date(Date.now() + 86_400_000).toLocaleString()}) both the current and the new secret sign every
              delivery, so you can switch your receiver over; then only the new one does.
            </p>
          }
          confirmLabel="Rotate"
          onConfirm={() => rotate.mutate()}
        />
      </div>
      <ProblemMessage error={reveal.error ?? rotate.error} />
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
