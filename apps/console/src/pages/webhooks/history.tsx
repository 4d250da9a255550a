import * as Tabs from '@radix-ui/react-tabs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { Delivery, DeliveryAttempt } from '@daalu/client';
import { ApiError, daalu, data } from '../../api/client';
import { CopyButton } from '../../ui/copy-button';
import { LocalDateTimeInput, timeHelp } from '../../ui/datetime';
import { EventTypeOptions } from '../../ui/event-types';
import { Field, fieldAttrs } from '../../ui/field';
import { useFocusFirstInvalid } from '../../ui/focus';
import { JsonView } from '../../ui/json-view';
import { RelativeTime } from '../../ui/relative-time';
import { EmptyState, FieldErrors, Loading, ProblemMessage, StatusLabel } from '../../ui/states';
import { useHistory, webhookKeys } from './api';
import { HeadersTable, HttpStatus } from './exchange';
import {
  cleanDeliveriesSearch,
  DELIVERY_STATES,
  deliveryStates,
  hasDeliveryFilters,
  type DeliveriesSearch,
  type DeliveryState,
} from './search';

const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/**
 * The webhook's history under the URL's filters: newest first, a page of 100 at a time (Load older),
 * each row with its state, type, summary, time and attempts; a delivery's attempts open in a drawer,
 * one attempt at a time as Request and Response tabs.
 */
export function History(props: {
  webhookId: string;
  filters: DeliveriesSearch;
  fastUntil: number;
  onRequested: () => void;
  onFilter: (filters: DeliveriesSearch) => void;
}) {
  const { webhookId, filters } = props;
  const history = useHistory(webhookId, filters, props.fastUntil);
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<Delivery | null>(null);
  const [redelivered, setRedelivered] = useState<string | null>(null);
  const redeliver = useMutation({
    mutationFn: (id: string) => data(daalu.POST('/api/v1/deliveries/{id}/redeliver', { params: { path: { id } } })),
    onSuccess: (answer) => {
      setRedelivered(answer.id);
      props.onRequested();
      return queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(webhookId) });
    },
  });
  const firstPageError = history.isError && !history.isFetchNextPageError ? history.error : null;
  const items = history.data?.pages.flatMap((page) => page.items) ?? [];
  // The drawer follows the delivery as the history is read again (a redelivery adds attempts).
  const shown = open ? (items.find((d) => d.id === open.id) ?? open) : null;
  // After Load older: the first new row takes focus (the button is gone once the last page came).
  const [focusRow, setFocusRow] = useState<number | null>(null);
  useEffect(() => {
    if (focusRow === null || items.length <= focusRow) return;
    document.querySelector<HTMLElement>(`[data-delivery-index="${focusRow}"]`)?.focus();
    setFocusRow(null);
  }, [focusRow, items.length]);
  const loadOlder = async () => {
    if (history.isFetchingNextPage) return;
    const before = items.length;
    const result = await history.fetchNextPage();
    if (!result.isError) setFocusRow(before);
  };

  return (
    <section aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Deliveries</h2>
      <HistoryFilters search={filters} error={firstPageError} onApply={props.onFilter} webhookId={webhookId} />
      {redelivered && (
        <p className="notice" role="status">
          Delivery <code>{redelivered}</code> is being sent again, with the same <code>webhook-id</code>.
        </p>
      )}
      <ProblemMessage error={redeliver.error} />
      {history.isPending && <Loading what="deliveries" />}
      {firstPageError && <ProblemMessage error={firstPageError} />}
      {history.data && items.length === 0 && (
        <EmptyState title={hasDeliveryFilters(filters) ? 'No deliveries match these filters' : 'No deliveries yet'}>
          {hasDeliveryFilters(filters) ? (
            <p>
              Widen them, or{' '}
              <Link to="/webhooks/outbound/$webhookId" params={{ webhookId }} search={{}}>
                clear the filters
              </Link>
              .
            </p>
          ) : (
            <p>
              Deliveries appear here when the trigger fires. To try your receiver now, use{' '}
              <strong>Send test event</strong> above.
            </p>
          )}
        </EmptyState>
      )}
      {items.length > 0 && (
        <>
          <p className="help" id="deliveries-help">
            {items.length} {items.length === 1 ? 'delivery' : 'deliveries'} shown, newest first; kept 30 days.
          </p>
          <div className="table-wrap">
            <table aria-describedby="deliveries-help" className="table-stack">
              <caption className="visually-hidden">Deliveries</caption>
              <thead>
                <tr>
                  <th scope="col">Created</th>
                  <th scope="col">State</th>
                  <th scope="col">Type</th>
                  <th scope="col">Summary</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last attempt</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((delivery, index) => (
                  <DeliveryRow
                    key={delivery.id}
                    index={index}
                    delivery={delivery}
                    onOpen={() => setOpen(delivery)}
                    onRedeliver={() => redeliver.mutate(delivery.id)}
                    redelivering={redeliver.isPending && redeliver.variables === delivery.id}
                  />
                ))}
              </tbody>
            </table>
          </div>
          {history.hasNextPage && (
            <div className="actions more">
              {/* aria-disabled, not disabled: a focused button that gets disabled drops focus to <body>. */}
              <button
                type="button"
                className="secondary"
                aria-disabled={history.isFetchingNextPage || undefined}
                onClick={() => void loadOlder()}
              >
                {history.isFetchingNextPage ? 'Loading older deliveries…' : 'Load older deliveries'}
              </button>
            </div>
          )}
          {history.isFetchNextPageError && <ProblemMessage error={history.error} />}
        </>
      )}
      {shown && (
        <AttemptsDrawer
          delivery={shown}
          webhookId={webhookId}
          onClose={() => setOpen(null)}
          onRedeliver={() => redeliver.mutate(shown.id)}
          redelivering={redeliver.isPending && redeliver.variables === shown.id}
        />
      )}
    </section>
  );
}

/** What a delivery was about: the event's type, else the fact's kind. */
const typeOf = (delivery: Delivery) => delivery.factType ?? delivery.factKind;

function DeliveryRow(props: {
  index: number;
  delivery: Delivery;
  onOpen: () => void;
  onRedeliver: () => void;
  redelivering: boolean;
}) {
  const { delivery } = props;
  const last = delivery.attempts[delivery.attempts.length - 1];
  return (
    <tr data-delivery={delivery.id} data-delivery-index={props.index} tabIndex={-1}>
      <td data-label="Created">
        <RelativeTime value={delivery.createdAt} />
      </td>
      <td data-label="State">
        <StatusLabel status={delivery.state} />
        {delivery.recoveryId && <span className="help"> (recovered)</span>}
      </td>
      <td data-label="Type" className="type-cell">
        <code>{typeOf(delivery)}</code>
      </td>
      <td data-label="Summary" className="summary-cell">
        {delivery.summary || '—'}
      </td>
      <td data-label="Attempts">{delivery.attemptsCount}</td>
      <td data-label="Last attempt">
        {last ? (
          <>
            {last.response ? last.response.status : last.error ? 'error' : 'no answer'}, {last.durationMs} ms
            {delivery.state === 'pending' && delivery.nextAttemptAt && (
              <>
                ; next <RelativeTime value={delivery.nextAttemptAt} />
              </>
            )}
          </>
        ) : (
          '—'
        )}
      </td>
      <td>
        <div className="row">
          <button type="button" className="secondary small" aria-haspopup="dialog" onClick={props.onOpen}>
            Attempts<span className="visually-hidden"> of delivery {delivery.id}</span>
          </button>
          <button type="button" className="secondary small" disabled={props.redelivering} onClick={props.onRedeliver}>
            Redeliver<span className="visually-hidden"> delivery {delivery.id}</span>
          </button>
        </div>
      </td>
    </tr>
  );
}

/**
 * A delivery and its attempts, in a drawer (a modal `<dialog>`: focus moves in and stays, Escape or Close
 * closes it and focus returns to the button that opened it). One attempt at a time, the latest first,
 * as Request and Response tabs.
 */
function AttemptsDrawer(props: {
  delivery: Delivery;
  webhookId: string;
  onClose: () => void;
  onRedeliver: () => void;
  redelivering: boolean;
}) {
  const { delivery } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [chosen, setChosen] = useState<number | null>(null);
  const attempt =
    delivery.attempts.find((a) => a.attempt === chosen) ?? delivery.attempts[delivery.attempts.length - 1];
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="drawer" aria-labelledby={titleId} onClose={props.onClose}>
      <div className="drawer-head">
        <h2 id={titleId}>
          Delivery of <code>{typeOf(delivery)}</code>
        </h2>
        <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
      {delivery.summary && <p>{delivery.summary}</p>}
      <dl className="facts">
        <dt>State</dt>
        <dd>
          <StatusLabel status={delivery.state} />
        </dd>
        <dt>Created</dt>
        <dd>
          <time dateTime={delivery.createdAt}>{absolute.format(new Date(delivery.createdAt))}</time>
        </dd>
        <dt>Delivery id</dt>
        <dd>
          <code className="wrap">{delivery.id}</code> (its <code>webhook-id</code>)
        </dd>
        <dt>Fact</dt>
        <dd>
          <code>{delivery.factKind}</code> <code className="wrap">{delivery.factId}</code>{' '}
          <CopyButton value={delivery.factId} label="Copy fact id" />
        </dd>
        {delivery.recoveryId && (
          <>
            <dt>Recovery</dt>
            <dd>
              <code className="wrap">{delivery.recoveryId}</code>
            </dd>
          </>
        )}
      </dl>
      <div className="actions">
        <button type="button" className="secondary" disabled={props.redelivering} onClick={props.onRedeliver}>
          Redeliver
        </button>
        <Link
          to="/webhooks/outbound/$webhookId"
          params={{ webhookId: props.webhookId }}
          search={{ eventId: delivery.factId }}
          className="button secondary"
          onClick={() => dialog.current?.close()}
        >
          Every delivery of this fact
        </Link>
      </div>
      <h3>Attempts ({delivery.attemptsCount})</h3>
      {delivery.attempts.length === 0 ? (
        <p>No attempt yet.</p>
      ) : (
        <>
          <div className="row attempt-picker" role="group" aria-label="Attempts">
            {delivery.attempts.map((a) => (
              <button
                key={a.attempt}
                type="button"
                className="secondary"
                aria-pressed={a === attempt}
                onClick={() => setChosen(a.attempt)}
              >
                Attempt {a.attempt}: {a.response ? a.response.status : 'no answer'}
              </button>
            ))}
          </div>
          {attempt && <AttemptTabs key={attempt.attempt} attempt={attempt} />}
        </>
      )}
    </dialog>
  );
}

/** One attempt: when and how long, then its request and its response, one tab each. */
function AttemptTabs({ attempt }: { attempt: DeliveryAttempt }) {
  return (
    <div role="group" aria-label={`Attempt ${attempt.attempt}`} className="attempt">
      <h4>
        Attempt {attempt.attempt}: <time dateTime={attempt.at}>{absolute.format(new Date(attempt.at))}</time>,{' '}
        {attempt.durationMs} ms
      </h4>
      <Tabs.Root defaultValue={attempt.response || !attempt.error ? 'request' : 'response'}>
        <Tabs.List className="tabs-list" aria-label={`Attempt ${attempt.attempt}`}>
          <Tabs.Trigger value="request">Request</Tabs.Trigger>
          <Tabs.Trigger value="response">
            Response <HttpStatus code={attempt.response?.status} />
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="request">
          <p>
            <code>POST</code>
          </p>
          <HeadersTable headers={attempt.request.headers} caption="Request headers" />
          <JsonView value={attempt.request.body} label="Request body" />
        </Tabs.Content>
        <Tabs.Content value="response">
          <p>
            <HttpStatus code={attempt.response?.status} />
          </p>
          {attempt.error && <p className="field-error">{attempt.error}</p>}
          {attempt.response ? (
            <>
              <HeadersTable headers={attempt.response.headers} caption="Response headers" />
              <JsonView value={attempt.response.body} label="Response body" />
            </>
          ) : (
            <p className="help">No response was received.</p>
          )}
        </Tabs.Content>
      </Tabs.Root>
    </div>
  );
}

/** The form's own copy of the filters: edited freely, put in the URL (one history entry) on Apply. */
interface Draft {
  status: DeliveryState[];
  type: string;
  since: string;
  until: string;
  eventId: string;
}

function draftOf(search: DeliveriesSearch): Draft {
  return {
    status: deliveryStates(search.status),
    type: search.type ?? '',
    since: search.since ?? '',
    until: search.until ?? '',
    eventId: search.eventId ?? '',
  };
}

const TYPES_LIST = 'delivery-event-types';

/**
 * The history's filters, like the timeline's: Apply puts them in the URL; the API's 400 shows next to
 * the field it names; when the URL changes (Back, a link) the form shows the URL's filters again.
 */
/** The filters under "More filters" (the bar shows state and type). */
const MORE_FIELDS = ['since', 'until', 'eventId'] as const;

function HistoryFilters(props: {
  webhookId: string;
  search: DeliveriesSearch;
  error: unknown;
  onApply: (search: DeliveriesSearch) => void;
}) {
  const key = JSON.stringify(cleanDeliveriesSearch(props.search));
  const [shownKey, setShownKey] = useState(key);
  const [draft, setDraft] = useState(() => draftOf(props.search));
  if (shownKey !== key) {
    setShownKey(key);
    setDraft(draftOf(props.search));
  }
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const error = props.error instanceof ApiError && props.error.status === 400 ? props.error : null;
  // The API refused a filter: focus goes to the field it names (once per Apply, not at each poll).
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, error && `${key} ${error.message}`);
  // The less used filters fold away (long on a phone), open when one is set or the API names one of them.
  const moreSet = MORE_FIELDS.some((name) => !!props.search[name]);
  const moreError = MORE_FIELDS.some((name) => (error?.forField(name) ?? []).length > 0);
  const [moreOpen, setMoreOpen] = useState(moreSet);
  const [openKey, setOpenKey] = useState(key);
  if (openKey !== key) {
    setOpenKey(key);
    setMoreOpen(moreSet);
  }
  const moreCount = MORE_FIELDS.filter((name) => !!props.search[name]).length;
  const text = (name: 'type' | 'eventId', label: string, help?: ReactNode, list?: string) => {
    const id = `dl-${name}`;
    return (
      <Field id={id} field={name} label={label} error={error} help={help}>
        <input
          {...fieldAttrs(error, name, id, help ? `${id}-help` : undefined)}
          type="text"
          list={list}
          autoComplete="off"
          value={draft[name]}
          onChange={(e) => set({ [name]: e.target.value })}
        />
      </Field>
    );
  };
  const time = (name: 'since' | 'until', label: string) => {
    const id = `dl-${name}`;
    return (
      <Field id={id} field={name} label={label} error={error} help={timeHelp(draft[name])}>
        <LocalDateTimeInput
          {...fieldAttrs(error, name, id, `${id}-help`)}
          value={draft[name]}
          onChange={(value) => set({ [name]: value })}
        />
      </Field>
    );
  };
  return (
    <form
      ref={formRef}
      className="history-filters"
      role="search"
      aria-label="Filter the deliveries"
      onSubmit={(e) => {
        e.preventDefault();
        props.onApply(
          cleanDeliveriesSearch({
            status: draft.status.join(','),
            type: draft.type,
            since: draft.since,
            until: draft.until,
            eventId: draft.eventId,
          }),
        );
      }}
    >
      <EventTypeOptions id={TYPES_LIST} />
      <div className="filter-bar">
        <fieldset aria-describedby="dl-status-help dl-status-error">
          <legend>State</legend>
          <div className="checks">
            {DELIVERY_STATES.map((state) => (
              <label key={state} className="check">
                <input
                  type="checkbox"
                  checked={draft.status.includes(state)}
                  onChange={(e) =>
                    set({
                      status: DELIVERY_STATES.filter((s) =>
                        s === state ? e.target.checked : draft.status.includes(s),
                      ),
                    })
                  }
                />{' '}
                {state}
              </label>
            ))}
          </div>
          <p id="dl-status-help" className="help">
            None checked: any state.
          </p>
          <FieldErrors id="dl-status-error" error={error} field="status" />
        </fieldset>
        {text('type', 'Type', 'Exact, or * for any run of characters (deploy.*)', TYPES_LIST)}
      </div>
      <details
        className="more-filters"
        open={moreOpen || moreError}
        onToggle={(e) => setMoreOpen((e.target as HTMLDetailsElement).open)}
      >
        <summary>More filters{moreCount > 0 ? ` (${moreCount} set)` : ''}</summary>
        <div className="filter-grid">
          {time('since', 'Created from (your local time)')}
          {time('until', 'Created before (your local time)')}
          {text('eventId', 'Event id', 'Every delivery of one event (its id)')}
        </div>
      </details>
      <div className="row">
        <button type="submit">Apply filters</button>
        {hasDeliveryFilters(props.search) && (
          <Link
            to="/webhooks/outbound/$webhookId"
            params={{ webhookId: props.webhookId }}
            search={{}}
            className="button secondary"
          >
            Clear filters
          </Link>
        )}
      </div>
    </form>
  );
}
