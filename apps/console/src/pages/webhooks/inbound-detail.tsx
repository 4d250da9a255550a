import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Fragment, useEffect, useRef, useState } from 'react';
import type { InboundRequest } from '@daalu/client';
import { daalu, data } from '../../api/client';
import { CodeBlock } from '../../ui/code-block';
import { Confirm } from '../../ui/confirm';
import { CopyButton } from '../../ui/copy-button';
import { RelativeTime } from '../../ui/relative-time';
import { BackLabel, PageHeader } from '../../ui/page-header';
import { sendEventCurl } from '../../ui/curl-examples';
import { EmptyState, Loading, ProblemMessage } from '../../ui/states';
import { ForUntil } from '../../ui/until';
import { LiveBar, useThrottled, useTimelineSignal } from '../../ui/live-updates';
import { useIngest, useIngestKeyState, webhookKeys } from './api';
import { CopyCurl, curlOf, Exchange, HttpStatus } from './exchange';

/** Rejected requests make no timeline entry: the list is read this often anyway while the tab shows. */
const POLL_MS = 30_000;

/**
 * Webhooks → Inbound: the endpoint, the ingest key (rotate), and the latest 100 requests, live: each
 * event on the timeline's stream reads the list again (within a few seconds, at most every 3 s), and
 * what that brings is counted ("2 new requests") until shown, never pushed under the reader.
 */
export function InboundDetailPage() {
  const ingest = useIngest(POLL_MS);
  const queryClient = useQueryClient();
  const requests = ingest.data?.requests ?? [];
  // The requests shown: those of the first read, then those the reader asked for.
  const [shownIds, setShownIds] = useState<Set<string> | null>(null);
  const [newIds, setNewIds] = useState<Set<string>>(new Set());
  if (ingest.data && shownIds === null) setShownIds(new Set(requests.map((r) => r.id)));
  const shownRequests = shownIds ? requests.filter((r) => shownIds.has(r.id)) : [];
  const waiting = shownIds ? requests.filter((r) => !shownIds.has(r.id)) : [];
  const readAgain = useThrottled(() => void ingest.refetch(), { everyMs: 3000, delayMs: 1000 });
  const live = useTimelineSignal('', (entry) => {
    if (entry.kind === 'event') readAgain();
  });
  // Shown: the first of them takes focus (the button that had it is gone), never <body>.
  const [focusId, setFocusId] = useState<string | null>(null);
  useEffect(() => {
    if (!focusId) return;
    document.querySelector<HTMLElement>(`[data-request-id="${focusId}"] button`)?.focus();
    setFocusId(null);
  }, [focusId]);
  const showNew = () => {
    setShownIds(new Set([...(shownIds ?? []), ...waiting.map((r) => r.id)]));
    setNewIds(new Set(waiting.map((r) => r.id)));
    setFocusId(waiting[0]?.id ?? null);
  };
  const lastRequest = shownRequests[0] ?? null;
  // The new key lives in this component's state only: shown once, gone when the page is left.
  const rotate = useMutation({
    mutationFn: () => data(daalu.POST('/api/v1/ingest-key/rotate', { body: {} })),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: webhookKeys.ingest }),
        queryClient.invalidateQueries({ queryKey: webhookKeys.ingestKey }),
      ]),
  });
  const [open, setOpen] = useState<string | null>(null);

  return (
    <>
      <PageHeader
        back={
          <Link to="/webhooks" search={{ tab: 'inbound' }}>
            <BackLabel to="Webhooks" />
          </Link>
        }
        title="Inbound endpoint"
        description="Where your systems POST events, the key they send with them, and the latest requests as Daalu received them."
      />
      {ingest.isPending && <Loading what="the inbound endpoint" />}
      {ingest.isError && <ProblemMessage error={ingest.error} />}
      {ingest.data && (
        <>
          <div className="card-grid">
            <section className="card" aria-labelledby="endpoint-title">
              <h2 id="endpoint-title">Endpoint</h2>
              <div className="row">
                <code className="secret" data-testid="endpoint-url">
                  {ingest.data.endpoint}
                </code>
                <CopyButton value={ingest.data.endpoint} label="Copy endpoint URL" />
              </div>
              <p className="help">
                POST events as JSON with your ingest key in the <code>X-Daalu-Key</code> header. Limit:{' '}
                {ingest.data.rateLimit.perSecond} requests per second (burst {ingest.data.rateLimit.burst}).
              </p>
            </section>

            <section className="card" aria-labelledby="key-title">
              <h2 id="key-title">Ingest key</h2>
              <div className="row">
                <code className="secret" data-testid="ingest-key-masked">
                  {ingest.data.ingestKey?.masked ?? 'none'}
                </code>
                {ingest.data.ingestKey && (
                  <span className="help">
                    issued <RelativeTime value={ingest.data.ingestKey.issuedAt} />
                  </span>
                )}
              </div>
              <p className="help">
                Only the prefix is kept: Daalu stores a hash of the key, so it cannot be shown again. Lost it? Rotate.
              </p>
              <KeyRotationState />
              <div className="actions">
                <Confirm
                  trigger={
                    <button type="button" className="secondary" disabled={rotate.isPending}>
                      {rotate.isPending ? 'Rotating…' : 'Rotate ingest key'}
                    </button>
                  }
                  title="Rotate the ingest key?"
                  description={
                    <p>
                      A new key is issued and shown once. The current key keeps working{' '}
                      <ForUntil at={Date.now() + 86_400_000} />, so you can switch your senders over; then it stops.
                    </p>
                  }
                  confirmLabel="Rotate"
                  onConfirm={() => rotate.mutate()}
                />
              </div>
              <ProblemMessage error={rotate.error} />
              {rotate.data && (
                <div className="once" role="status">
                  <h3>New ingest key</h3>
                  <div className="row">
                    <code className="secret" data-testid="new-ingest-key">
                      {rotate.data.ingestKey}
                    </code>
                    <CopyButton value={rotate.data.ingestKey} label="Copy new key" />
                  </div>
                  <p>
                    Shown this once: copy it now. The previous key keeps working{' '}
                    <ForUntil at={rotate.data.previousKeyExpiresAt} />.
                  </p>
                </div>
              )}
            </section>
          </div>

          <section aria-labelledby="last-title">
            <h2 id="last-title">Last request</h2>
            {lastRequest ? (
              <RequestDetail endpoint={ingest.data.endpoint} row={lastRequest} label="Last request" />
            ) : (
              <EmptyState title="No requests yet">
                <p>
                  Send an event, with <code>DAALU_KEY</code> set to your ingest key (
                  <code>{ingest.data.ingestKey?.masked ?? 'dik_…'}</code>):
                </p>
                <CodeBlock
                  code={sendEventCurl(ingest.data.endpoint)}
                  label="Send a test event"
                  copyLabel="Copy the curl command"
                  testId="send-event-curl"
                />
                <p>It is offered here as it arrives.</p>
              </EmptyState>
            )}
          </section>

          <section aria-labelledby="requests-title">
            <h2 id="requests-title">Latest requests</h2>
            <LiveBar state={live} count={waiting.length} noun={['request', 'requests']} onShow={showNew} />
            {shownRequests.length > 0 && (
              <div className="table-wrap">
                <table className="table-stack">
                  <caption className="visually-hidden">Latest requests, newest first (100 at most)</caption>
                  <thead>
                    <tr>
                      <th scope="col">Received</th>
                      <th scope="col">Request</th>
                      <th scope="col">Status</th>
                      <th scope="col">Time</th>
                      <th scope="col">Events</th>
                      <th scope="col">
                        <span className="visually-hidden">Details</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {shownRequests.map((row) => {
                      const expanded = open === row.id;
                      const isNew = newIds.has(row.id);
                      return (
                        <Fragment key={row.id}>
                          <tr data-request-id={row.id} className={isNew ? 'row-new' : undefined}>
                            <td data-label="Received">
                              <RelativeTime value={row.receivedAt} />
                              {isNew && <span className="new-label"> new</span>}
                            </td>
                            <td data-label="Request">
                              <code>
                                {row.method} {row.path}
                              </code>
                            </td>
                            <td data-label="Status">
                              <HttpStatus code={row.status} />
                            </td>
                            <td data-label="Time">{row.durationMs} ms</td>
                            <td data-label="Events">{row.eventIds.length}</td>
                            <td>
                              <button
                                type="button"
                                className="secondary"
                                aria-expanded={expanded}
                                aria-controls={`request-${row.id}`}
                                onClick={() => setOpen(expanded ? null : row.id)}
                              >
                                {expanded ? 'Hide' : 'View'}
                                <span className="visually-hidden"> request of {row.receivedAt}</span>
                              </button>
                            </td>
                          </tr>
                          {expanded && (
                            <tr className="expanded" id={`request-${row.id}`}>
                              <td colSpan={6}>
                                <RequestDetail endpoint={ingest.data.endpoint} row={row} label="Request and response" />
                              </td>
                            </tr>
                          )}
                        </Fragment>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}

/**
 * The rotation state as the API keeps it (so it survives a reload): the current key, and the one a
 * rotation replaced while it still works, with "Revoke old key now".
 */
function KeyRotationState() {
  const state = useIngestKeyState();
  const queryClient = useQueryClient();
  const [revoked, setRevoked] = useState<string | null>(null);
  const revokedRef = useRef<HTMLParagraphElement>(null);
  const revoke = useMutation({
    mutationFn: () => data(daalu.POST('/api/v1/ingest-key/revoke-previous')),
    onMutate: () => setRevoked(null),
    onSuccess: (answer) => {
      const prefix = state.data?.previous?.prefix;
      queryClient.setQueryData(webhookKeys.ingestKey, answer);
      setRevoked(`The old key${prefix ? ` ${prefix}` : ''} is revoked: only the current key is accepted now.`);
    },
    // A 404: it expired or was revoked meanwhile; read the state again either way.
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.ingestKey }),
  });
  // The button goes away with the old key: focus the message that says so, never <body>.
  useEffect(() => {
    if (revoked) revokedRef.current?.focus();
  }, [revoked]);

  if (state.isPending) return <Loading what="the ingest key's rotation state" />;
  if (state.isError) return <ProblemMessage error={state.error} />;
  const { current, previous } = state.data;
  return (
    <>
      <dl className="facts key-state" aria-label="Ingest key rotation">
        <dt>Current key</dt>
        <dd>
          <code data-testid="ingest-key-current">{current.prefix}</code>, issued{' '}
          <RelativeTime value={current.issuedAt} />
        </dd>
        <dt>Previous key</dt>
        <dd data-testid="ingest-key-previous">
          {previous ? (
            <>
              <code>{previous.prefix}</code> still works <ForUntil at={previous.expiresAt} />
            </>
          ) : (
            'none: only the current key is accepted'
          )}
        </dd>
      </dl>
      {revoked && (
        <p className="notice" role="status" tabIndex={-1} ref={revokedRef}>
          {revoked}
        </p>
      )}
      {previous && (
        <div className="actions">
          <Confirm
            trigger={
              <button type="button" className="secondary">
                {revoke.isPending ? 'Revoking the old key…' : 'Revoke old key now'}
              </button>
            }
            title="Revoke the old ingest key now?"
            description={
              <p>
                <code>{previous.prefix}</code> stops working at once instead of{' '}
                {new Date(previous.expiresAt).toLocaleString()}. Senders still using it get 401 from now on; only the
                current key <code>{current.prefix}</code> is accepted.
              </p>
            }
            confirmLabel="Revoke old key"
            onConfirm={() => revoke.mutate()}
          />
        </div>
      )}
      <ProblemMessage error={revoke.error} />
    </>
  );
}

function RequestDetail({ endpoint, row, label }: { endpoint: string; row: InboundRequest; label: string }) {
  const url = new URL(row.path, endpoint).toString();
  return (
    <>
      <p className="row">
        <HttpStatus code={row.status} /> in {row.durationMs} ms, <RelativeTime value={row.receivedAt} />
        {row.request.truncated && <span className="help">(body cut at 4 KiB)</span>}
      </p>
      <Exchange
        label={label}
        request={{ headers: row.request.headers, body: row.request.body, title: <code>{row.method}</code> }}
        response={{ status: row.status, headers: row.response.headers, body: row.response.body }}
        actions={<CopyCurl command={curlOf(url, row.request, row.method)} />}
      />
    </>
  );
}
