import * as AlertDialog from '@radix-ui/react-alert-dialog';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { Alert, AlertContextEvent, AlertPage, AlertRule } from '@daalu/client';
import { ApiError, daalu, data } from '../../api/client';
import { PageHeader } from '../../ui/page-header';
import { RelativeTime } from '../../ui/relative-time';
import { EmptyState, FieldErrors, Loading, ProblemMessage, StatusLabel } from '../../ui/states';
import type { TimelineSearch } from '../timeline/search';
import {
  acknowledgeAlert,
  alertsKey,
  isAbsenceAlert,
  listRules,
  resolveAlert,
  rulesKey,
  SEVERITIES,
  unacknowledgeAlert,
} from './api';
import type { AlertsSearch, AlertStateFilter } from './search';
import { useFocusKeptInList } from './keep-focus';
import { AlertsTabs } from './section-tabs';
import { SilenceDialog } from './silence-form';
import './rules.css';

const PAGE_SIZE = 20;
/** Silenced is read from the alerts (`silencedBy`), not asked of the API: bigger pages, so fewer clicks. */
const SILENCED_PAGE_SIZE = 100;

const STATE_LABELS: Record<AlertStateFilter, string> = {
  firing: 'Firing',
  acknowledged: 'Firing, acknowledged',
  unacknowledged: 'Firing, not acknowledged',
  silenced: 'Firing, silenced',
  resolved: 'Resolved',
};

/** The API's query for a State filter: `state` and `acknowledged`; silenced ones are firing ones, filtered here. */
function alertQuery(state: AlertStateFilter | undefined) {
  return {
    state: state === 'resolved' ? ('resolved' as const) : state ? ('firing' as const) : undefined,
    acknowledged:
      state === 'acknowledged' ? ('true' as const) : state === 'unacknowledged' ? ('false' as const) : undefined,
  };
}

/**
 * `/alerts`: firing and resolved alerts, newest first, filtered by state, severity and rule (all in the
 * URL); a firing one is acknowledged, resolved or silenced from its card.
 */
export function AlertsPage() {
  const search = useSearch({ from: '/app/alerts' });
  const navigate = useNavigate({ from: '/alerts' });
  const rules = useQuery({ queryKey: rulesKey, queryFn: listRules });
  const silencedOnly = search.state === 'silenced';
  const alerts = useInfiniteQuery({
    queryKey: [...alertsKey, search],
    queryFn: ({ pageParam, signal }) =>
      data(
        daalu.GET('/api/v1/alerts', {
          params: {
            query: {
              ...alertQuery(search.state),
              severity: search.severity,
              ruleId: search.ruleId,
              limit: silencedOnly ? SILENCED_PAGE_SIZE : PAGE_SIZE,
              cursor: pageParam,
            },
          },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Alerts fire on their own: look again now and then while the page is open.
    refetchInterval: 15_000,
  });
  const setFilter = (patch: Partial<AlertsSearch>) => void navigate({ search: (prev) => clean({ ...prev, ...patch }) });
  const ruleById = new Map((rules.data?.items ?? []).map((r) => [r.id, r]));
  const loaded = alerts.data?.pages.flatMap((p) => p.items) ?? [];
  const items = silencedOnly ? loaded.filter((a) => a.silencedBy) : loaded;
  const nextPageError = alerts.isFetchNextPageError ? alerts.error : null;
  const filtered = !!(search.state || search.severity || search.ruleId);
  const { listRef, onFocus } = useFocusKeptInList(items);

  return (
    <div className="rules-area">
      <PageHeader
        title="Alerts"
        actions={
          <SilenceDialog
            title="New silence"
            initial={search.ruleId ? { ruleId: search.ruleId } : {}}
            trigger={
              <button type="button" className="secondary">
                New silence…
              </button>
            }
          />
        }
      />
      <AlertsTabs />
      <form className="filters" role="search" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="alerts-state">State</label>
          <select
            id="alerts-state"
            value={search.state ?? ''}
            onChange={(e) => setFilter({ state: (e.target.value || undefined) as AlertsSearch['state'] })}
          >
            <option value="">Firing and resolved</option>
            {(Object.keys(STATE_LABELS) as AlertStateFilter[]).map((state) => (
              <option key={state} value={state}>
                {STATE_LABELS[state]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="alerts-severity">Severity</label>
          <select
            id="alerts-severity"
            value={search.severity ?? ''}
            onChange={(e) => setFilter({ severity: (e.target.value || undefined) as AlertsSearch['severity'] })}
          >
            <option value="">Any severity</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="alerts-rule">Rule</label>
          <select
            id="alerts-rule"
            value={search.ruleId ?? ''}
            onChange={(e) => setFilter({ ruleId: e.target.value || undefined })}
          >
            <option value="">Any rule</option>
            {(rules.data?.items ?? []).map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
            {search.ruleId && rules.data && !ruleById.has(search.ruleId) && (
              <option value={search.ruleId}>A deleted rule ({search.ruleId.slice(0, 8)}…)</option>
            )}
          </select>
        </div>
        {filtered && (
          <Link to="/alerts" search={{}} className="button secondary">
            Clear filters
          </Link>
        )}
      </form>

      {alerts.isPending ? (
        <Loading what="alerts" />
      ) : alerts.isError ? (
        <ProblemMessage error={alerts.error} />
      ) : items.length === 0 && silencedOnly && alerts.hasNextPage ? (
        <>
          <EmptyState title={`No silenced alerts among the newest ${loaded.length} firing ones`}>
            <p>Older firing alerts may be silenced: look further back.</p>
          </EmptyState>
          <button
            type="button"
            className="secondary more"
            aria-disabled={alerts.isFetchingNextPage || undefined}
            onClick={() => void (alerts.isFetchingNextPage || alerts.fetchNextPage())}
          >
            {alerts.isFetchingNextPage ? 'Loading older alerts…' : 'Show older alerts'}
          </button>
          <ProblemMessage error={nextPageError} />
        </>
      ) : items.length === 0 ? (
        filtered ? (
          <EmptyState title="No alerts match these filters">
            <p>
              Change the filters above, or{' '}
              <Link to="/alerts" search={{}}>
                show every alert
              </Link>
              .
            </p>
          </EmptyState>
        ) : (
          <EmptyState title="No alerts yet">
            <p>
              Alerts appear here when a rule fires. {rules.data?.items.length ? 'Your rules have not fired yet; ' : ''}
              <Link to="/rules">{rules.data?.items.length ? 'see the alert rules' : 'Create an alert rule'}</Link> to
              say which events should alert.
            </p>
          </EmptyState>
        )
      ) : (
        <>
          <ul className="cards" aria-label="Alerts, newest first" ref={listRef} onFocus={onFocus}>
            {items.map((alert) => (
              <AlertCard key={alert.id} alert={alert} rule={ruleById.get(alert.ruleId)} />
            ))}
          </ul>
          {alerts.hasNextPage && (
            <button
              type="button"
              className="secondary more"
              aria-disabled={alerts.isFetchingNextPage || undefined}
              onClick={() => void (alerts.isFetchingNextPage || alerts.fetchNextPage())}
            >
              {alerts.isFetchingNextPage ? 'Loading older alerts…' : 'Show older alerts'}
            </button>
          )}
          <ProblemMessage error={nextPageError} />
        </>
      )}
    </div>
  );
}

function clean(search: AlertsSearch): AlertsSearch {
  return Object.fromEntries(Object.entries(search).filter(([, v]) => v !== undefined && v !== '')) as AlertsSearch;
}

/** The cached alert lists with `alert` as the API answered it now, until they are read again. */
function useAlertUpdate() {
  const queryClient = useQueryClient();
  return async (alert: Alert) => {
    queryClient.setQueriesData<InfiniteData<AlertPage>>({ queryKey: alertsKey }, (old) =>
      old
        ? {
            ...old,
            pages: old.pages.map((page) => ({
              ...page,
              items: page.items.map((a) => (a.id === alert.id ? alert : a)),
            })),
          }
        : old,
    );
    await queryClient.invalidateQueries({ queryKey: alertsKey });
  };
}

const REASONS: Record<string, string> = {
  'resolving-event': 'a resolving event arrived',
  quiet: 'no match came for the quiet period',
  'event-arrived': 'the expected event arrived',
  'rule-deleted': 'the rule was deleted',
  manual: 'resolved by hand',
  'dedup-key': 'its sender resolved it',
};

function AlertCard({ alert, rule }: { alert: Alert; rule: AlertRule | undefined }) {
  const headingId = `alert-${alert.id}`;
  const absence = isAbsenceAlert(alert, rule);
  return (
    <li className="card" aria-labelledby={headingId} tabIndex={-1}>
      <h2 id={headingId}>{alert.summary || '(no summary)'}</h2>
      <div className="row">
        <StatusLabel status={alert.state} />
        <span>
          severity <StatusLabel status={alert.severity} />
        </span>
        <span>
          rule{' '}
          {rule ? (
            <Link to="/rules/$ruleId" params={{ ruleId: rule.id }}>
              {alert.ruleName}
            </Link>
          ) : (
            <>{alert.ruleName} (deleted)</>
          )}
          {absence && ' (absence)'}
        </span>
        {alert.groupKey && (
          <span>
            group <code>{alert.groupKey}</code>
          </span>
        )}
      </div>
      <Badges alert={alert} />
      <dl>
        <dt>Fired</dt>
        <dd>
          <RelativeTime value={alert.firedAt} />
        </dd>
        <dt>Resolved</dt>
        <dd>
          {alert.resolvedAt ? (
            <>
              <RelativeTime value={alert.resolvedAt} />
              {alert.resolveReason && `: ${REASONS[alert.resolveReason] ?? alert.resolveReason}`}
            </>
          ) : (
            'not yet'
          )}
        </dd>
        <dt>Matches</dt>
        <dd>
          {alert.count}
          {alert.count > 1 && (
            <>
              , the last <RelativeTime value={alert.lastSeenAt} />
            </>
          )}
        </dd>
      </dl>
      {absence ? (
        <p className="help">Absence alerts carry no context: they fire because nothing arrived.</p>
      ) : (
        <ChangeContext context={alert.context} />
      )}
      <MatchingEvents alert={alert} rule={rule} />
      {alert.state === 'firing' && <AlertActions alert={alert} absence={absence} />}
    </li>
  );
}

/** Who took it, whether a silence covers it, and who resolved it by hand: in words, not colour only. */
function Badges({ alert }: { alert: Alert }) {
  if (!alert.acknowledgedBy && !alert.silencedBy && !alert.resolvedBy) return null;
  return (
    <ul className="badges" aria-label="Alert status">
      {alert.acknowledgedBy && (
        <li className="badge">
          Acknowledged by {alert.acknowledgedBy}
          {alert.acknowledgedAt && (
            <>
              , <RelativeTime value={alert.acknowledgedAt} />
            </>
          )}
          {alert.acknowledgeNote && <>: {alert.acknowledgeNote}</>}
        </li>
      )}
      {alert.silencedBy && (
        <li className="badge">
          <Link to="/silences" search={{}}>
            Silenced
          </Link>
          <span className="help"> (no webhook told while the silence lasts)</span>
        </li>
      )}
      {alert.resolvedBy && (
        <li className="badge">
          Resolved by {alert.resolvedBy}
          {alert.resolveNote && <>: {alert.resolveNote}</>}
        </li>
      )}
    </ul>
  );
}

/**
 * Acknowledge (a toggle: the same button, so focus stays on it), Resolve (with an optional note, in a
 * dialog) and Silence… (a new silence for this alert's rule and group).
 */
function AlertActions({ alert, absence }: { alert: Alert; absence: boolean }) {
  const update = useAlertUpdate();
  const [said, setSaid] = useState('');
  const acknowledged = !!alert.acknowledgedBy;
  const toggle = useMutation({
    mutationFn: () => (acknowledged ? unacknowledgeAlert(alert.id) : acknowledgeAlert(alert.id)),
    onSuccess: async (updated) => {
      setSaid(updated.acknowledgedBy ? 'Acknowledged.' : 'No longer acknowledged.');
      await update(updated);
    },
  });
  const name = <span className="visually-hidden"> “{alert.summary || alert.ruleName}”</span>;
  return (
    <>
      <div className="row actions">
        {/* aria-disabled, not disabled, while it works: a disabled button would drop the focus to the page. */}
        <button
          type="button"
          className="secondary"
          aria-disabled={toggle.isPending || undefined}
          onClick={() => {
            if (!toggle.isPending) toggle.mutate();
          }}
        >
          {acknowledged ? 'Unacknowledge' : 'Acknowledge'}
          {name}
        </button>
        <ResolveDialog alert={alert} name={name} />
        <SilenceDialog
          title={`Silence alerts like “${alert.summary || alert.ruleName}”`}
          initial={{ ruleId: alert.ruleId, ...(alert.groupKey ? { groupKey: alert.groupKey } : {}) }}
          intro={
            <p>
              Alerts of this rule{alert.groupKey ? ' and group' : ''} that fire while it lasts still fire and show,
              marked silenced, but no webhook is told until it ends.{' '}
              <strong>This alert is firing already, so it is not covered:</strong> acknowledge or resolve it.
              {absence && ' Payload conditions never cover an absence alert: it has no event.'}
            </p>
          }
          onCreated={(silence) =>
            setSaid(`Silence created, until ${new Date(silence.endsAt).toLocaleString()}. See Silences to end it.`)
          }
          trigger={
            <button type="button" className="secondary">
              Silence…{name}
            </button>
          }
        />
      </div>
      <p role="status" className="help">
        {said}
      </p>
      <ProblemMessage error={toggle.error} />
    </>
  );
}

/** Resolve by hand, with an optional note: a dialog whose first field takes focus; a 409 says who was first. */
function ResolveDialog({ alert, name }: { alert: Alert; name: ReactNode }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const update = useAlertUpdate();
  const queryClient = useQueryClient();
  const resolve = useMutation({
    mutationFn: () => resolveAlert(alert.id, note.trim() || undefined),
    onSuccess: async (updated) => {
      setOpen(false);
      await update(updated);
    },
  });
  const conflict = resolve.error instanceof ApiError && resolve.error.status === 409;
  const noteId = `resolve-note-${alert.id}`;
  const invalid = resolve.error instanceof ApiError && resolve.error.forField('note').length > 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!resolve.isPending) resolve.mutate();
  };
  return (
    <AlertDialog.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) {
          setNote('');
          resolve.reset();
        } else if (conflict) void queryClient.invalidateQueries({ queryKey: alertsKey });
      }}
    >
      <AlertDialog.Trigger asChild>
        <button type="button">Resolve{name}</button>
      </AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content
          className="dialog"
          onOpenAutoFocus={(e) => {
            e.preventDefault();
            noteRef.current?.focus();
          }}
        >
          <AlertDialog.Title>Resolve “{alert.summary || alert.ruleName}”?</AlertDialog.Title>
          <AlertDialog.Description>
            It stops firing now, recorded with your name and note. If the problem comes back, the rule fires a new
            alert.
          </AlertDialog.Description>
          <form onSubmit={submit} noValidate className="decision-form">
            <div className="field">
              <label htmlFor={noteId}>Note (optional)</label>
              <textarea
                id={noteId}
                ref={noteRef}
                rows={3}
                maxLength={1000}
                value={note}
                aria-invalid={invalid || undefined}
                aria-describedby={invalid ? `${noteId}-error` : undefined}
                onChange={(e) => setNote(e.target.value)}
              />
              <FieldErrors id={`${noteId}-error`} error={resolve.error} field="note" />
            </div>
            {conflict ? (
              <p className="field-error" role="alert">
                It was resolved already ({(resolve.error as ApiError).detail ?? 'resolved'}). Close this to see it.
              </p>
            ) : (
              <ProblemMessage error={resolve.error} />
            )}
            <div className="dialog-actions">
              <AlertDialog.Cancel asChild>
                <button type="button" className="secondary">
                  {conflict ? 'Close' : 'Cancel'}
                </button>
              </AlertDialog.Cancel>
              {!conflict && (
                <button type="submit" aria-disabled={resolve.isPending || undefined}>
                  {resolve.isPending ? 'Resolving…' : 'Resolve'}
                </button>
              )}
            </div>
          </form>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

/** The deploys (change events) that preceded the alert, newest first, as the evaluator fixed them at firing. */
function ChangeContext({ context }: { context: AlertContextEvent[] }) {
  if (context.length === 0) return <p className="help">No deploy or other change in the 30 minutes before it.</p>;
  return (
    <>
      <p>
        <strong>Preceded by {context.length === 1 ? 'this change' : `these ${context.length} changes`}:</strong>
      </p>
      <ul className="context" aria-label="Preceding changes">
        {context.map((change) => (
          <li key={change.id}>
            <Link to="/timeline" search={{ type: change.type }}>
              {change.type}
            </Link>{' '}
            {change.summary && <>“{change.summary}” </>}
            from <code>{change.source}</code>, <RelativeTime value={change.receivedAt} />
          </li>
        ))}
      </ul>
    </>
  );
}

/**
 * A type the timeline's `type` filter takes as it is: exact, or ending in a single `*` (a prefix). Other
 * globs (`*.failed`, `a*b`) it does not support.
 */
function timelineType(glob: string | undefined): string | undefined {
  if (!glob) return undefined;
  const star = glob.indexOf('*');
  if (star === -1) return glob;
  return star === glob.length - 1 && glob.length > 1 ? glob : undefined;
}

/**
 * The link to the events that fired the alert. There is no single-event page, so it opens the timeline
 * filtered to surface them: `type` (the rule's type when the timeline takes it as is, else the exact
 * type of the first firing event, read from GET /api/v1/events/:id/evaluations) and the time they came
 * in, `since` (the firing time less the rule's threshold window) and `until` (just after the last match).
 */
function MatchingEvents({ alert, rule }: { alert: Alert; rule: AlertRule | undefined }) {
  const ruleType = timelineType(rule?.match.type);
  const firstId = alert.eventIds[0];
  const firstEvent = useQuery({
    queryKey: ['event-evaluations', firstId],
    queryFn: () =>
      data(
        daalu.GET('/api/v1/events/{id}/evaluations', {
          params: { path: { id: firstId! }, query: { at: alert.firedAt } },
        }),
      ),
    enabled: !!firstId && !ruleType,
    staleTime: Infinity,
  });
  if (alert.eventIds.length === 0) {
    return (
      <p>
        No event fired it: the expected events stopped coming.{' '}
        {ruleType && (
          <Link to="/timeline" search={{ type: ruleType }}>
            The expected <code>{ruleType}</code> events on the timeline
          </Link>
        )}
      </p>
    );
  }
  const type = ruleType ?? firstEvent.data?.event.type;
  const windowMs = (rule?.threshold?.windowSeconds ?? 0) * 1000;
  const last = alert.lastSeenAt > alert.firedAt ? alert.lastSeenAt : alert.firedAt;
  const search: TimelineSearch & { since: string; until: string } = {
    ...(type ? { type } : {}),
    since: new Date(new Date(alert.firedAt).getTime() - windowMs).toISOString(),
    until: new Date(new Date(last).getTime() + 1).toISOString(),
  };
  const n = alert.count;
  return (
    <p>
      <Link to="/timeline" search={search}>
        {n === 1 ? 'The event that fired it' : `The ${n} matching events`} on the timeline
      </Link>
      {type && (
        <>
          {' '}
          (type <code>{type}</code>)
        </>
      )}
    </p>
  );
}
