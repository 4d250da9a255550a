import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { Fragment, useState } from 'react';
import type { Delivery, DeliveryAttempt, Webhook } from '@daalu/client';
import { daalu, data } from '../../api/client';
import { Confirm } from '../../ui/confirm';
import { CopyButton } from '../../ui/copy-button';
import { RelativeTime } from '../../ui/relative-time';
import { EmptyState, Loading, ProblemMessage, StatusLabel } from '../../ui/states';
import { triggerSummary, useDeliveries, useWebhook, webhookKeys } from './api';
import { Exchange } from './exchange';

/** Managed Infra → Webhooks → one outbound webhook: its settings, signing secret, and the latest 100 deliveries. */
export function OutboundDetailPage() {
  const { webhookId } = useParams({ from: '/app/webhooks/outbound/$webhookId' });
  const webhook = useWebhook(webhookId);
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
          <Settings webhook={webhook.data} onRequested={watch} />
          <SigningSecret webhook={webhook.data} />
          <History webhookId={webhookId} fastUntil={fastUntil} onRequested={watch} />
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
        <dt>State</dt>
        <dd>
          <StatusLabel status={webhook.enabled ? 'enabled' : 'disabled'} />
        </dd>
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

function History(props: { webhookId: string; fastUntil: number; onRequested: () => void }) {
  const { webhookId } = props;
  const history = useDeliveries(webhookId, props.fastUntil);
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const [redelivered, setRedelivered] = useState<string | null>(null);
  const redeliver = useMutation({
    mutationFn: (id: string) => data(daalu.POST('/api/v1/deliveries/{id}/redeliver', { params: { path: { id } } })),
    onSuccess: (answer) => {
      setRedelivered(answer.id);
      props.onRequested();
      return queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(webhookId) });
    },
  });

  if (history.isPending) return <Loading what="deliveries" />;
  if (history.isError) return <ProblemMessage error={history.error} />;
  const { items, lastDelivery } = history.data;
  const lastAttempt = lastDelivery?.attempts[lastDelivery.attempts.length - 1];
  return (
    <>
      <section aria-labelledby="last-delivery-title">
        <h2 id="last-delivery-title">Last delivery</h2>
        {lastDelivery && lastAttempt ? (
          <>
            <p className="row">
              <StatusLabel status={lastDelivery.state} /> <code>{lastDelivery.factKind}</code> attempt{' '}
              {lastAttempt.attempt}, <RelativeTime value={lastAttempt.at} />, {lastAttempt.durationMs} ms
            </p>
            <AttemptExchange attempt={lastAttempt} label="Last delivery" />
          </>
        ) : (
          <EmptyState title="Nothing delivered yet">
            <p>
              Deliveries appear here when the trigger fires. To try your receiver now, use{' '}
              <strong>Send test event</strong> above.
            </p>
          </EmptyState>
        )}
      </section>

      {items.length > 0 && (
        <section aria-labelledby="deliveries-title">
          <h2 id="deliveries-title">Latest deliveries</h2>
          <p className="help">Newest first; the latest 100 are shown, kept 30 days.</p>
          {redelivered && (
            <p className="notice" role="status">
              Delivery <code>{redelivered}</code> is being sent again, with the same <code>webhook-id</code>.
            </p>
          )}
          <ProblemMessage error={redeliver.error} />
          <table aria-describedby="deliveries-title">
            <caption className="visually-hidden">Latest deliveries</caption>
            <thead>
              <tr>
                <th scope="col">Requested</th>
                <th scope="col">Fact</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last attempt</th>
                <th scope="col">Finished / next attempt</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((delivery) => (
                <DeliveryRow
                  key={delivery.id}
                  delivery={delivery}
                  expanded={open === delivery.id}
                  onToggle={() => setOpen(open === delivery.id ? null : delivery.id)}
                  onRedeliver={() => redeliver.mutate(delivery.id)}
                  redelivering={redeliver.isPending && redeliver.variables === delivery.id}
                />
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}

function DeliveryRow(props: {
  delivery: Delivery;
  expanded: boolean;
  onToggle: () => void;
  onRedeliver: () => void;
  redelivering: boolean;
}) {
  const { delivery } = props;
  const last = delivery.attempts[delivery.attempts.length - 1];
  return (
    <Fragment>
      <tr data-delivery={delivery.id}>
        <td>
          <RelativeTime value={delivery.createdAt} />
        </td>
        <td>
          <code>{delivery.factKind}</code>
        </td>
        <td>
          <StatusLabel status={delivery.state} />
        </td>
        <td>{delivery.attemptsCount}</td>
        <td>
          {last ? (
            <>
              {last.response ? last.response.status : 'no answer'}, {last.durationMs} ms
            </>
          ) : (
            '—'
          )}
        </td>
        <td>
          {delivery.state === 'pending' ? (
            <>
              next <RelativeTime value={delivery.nextAttemptAt} />
            </>
          ) : (
            <RelativeTime value={delivery.finishedAt} />
          )}
        </td>
        <td>
          <div className="row">
            <button
              type="button"
              className="secondary"
              aria-expanded={props.expanded}
              aria-controls={`attempts-${delivery.id}`}
              onClick={props.onToggle}
            >
              Attempts<span className="visually-hidden"> of delivery {delivery.id}</span>
            </button>
            <button type="button" className="secondary" disabled={props.redelivering} onClick={props.onRedeliver}>
              Redeliver<span className="visually-hidden"> delivery {delivery.id}</span>
            </button>
          </div>
        </td>
      </tr>
      {props.expanded && (
        <tr className="expanded" id={`attempts-${delivery.id}`}>
          <td colSpan={7}>
            <p className="help">
              Delivery <code>{delivery.id}</code> (the <code>webhook-id</code>), fact <code>{delivery.factId}</code>
            </p>
            {delivery.attempts.length === 0 && <p>No attempt yet.</p>}
            <ol className="attempts" aria-label={`Attempts of delivery ${delivery.id}`}>
              {delivery.attempts.map((attempt) => (
                <li key={attempt.attempt} className="attempt">
                  <h3>
                    Attempt {attempt.attempt}: <RelativeTime value={attempt.at} />, {attempt.durationMs} ms
                  </h3>
                  <AttemptExchange attempt={attempt} label={`Attempt ${attempt.attempt}`} />
                </li>
              ))}
            </ol>
          </td>
        </tr>
      )}
    </Fragment>
  );
}

function AttemptExchange({ attempt, label }: { attempt: DeliveryAttempt; label: string }) {
  return (
    <Exchange
      label={label}
      request={{ headers: attempt.request.headers, body: attempt.request.body, title: <code>POST</code> }}
      response={attempt.response}
      error={attempt.error}
    />
  );
}
