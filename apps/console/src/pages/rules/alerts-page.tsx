import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import type { Alert, AlertContextEvent, AlertRule } from '@daalu/client';
import { daalu, data } from '../../api/client';
import { RelativeTime } from '../../ui/relative-time';
import { EmptyState, Loading, ProblemMessage, StatusLabel } from '../../ui/states';
import type { TimelineSearch } from '../timeline/search';
import { listRules, rulesKey, SEVERITIES } from './api';
import type { AlertsSearch } from './search';
import './rules.css';

const PAGE_SIZE = 20;

/** `/alerts`: firing and resolved alerts, newest first, filtered by state, severity and rule (all in the URL). */
export function AlertsPage() {
  const search = useSearch({ from: '/app/alerts' });
  const navigate = useNavigate({ from: '/alerts' });
  const rules = useQuery({ queryKey: rulesKey, queryFn: listRules });
  const alerts = useInfiniteQuery({
    queryKey: ['alerts', search],
    queryFn: ({ pageParam, signal }) =>
      data(
        daalu.GET('/api/v1/alerts', {
          params: {
            query: {
              state: search.state,
              severity: search.severity,
              ruleId: search.ruleId,
              limit: PAGE_SIZE,
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
  const items = alerts.data?.pages.flatMap((p) => p.items) ?? [];
  const nextPageError = alerts.isFetchNextPageError ? alerts.error : null;
  const filtered = !!(search.state || search.severity || search.ruleId);

  return (
    <div className="rules-area">
      <h1>Alerts</h1>
      <form className="filters" role="search" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="alerts-state">State</label>
          <select
            id="alerts-state"
            value={search.state ?? ''}
            onChange={(e) => setFilter({ state: (e.target.value || undefined) as AlertsSearch['state'] })}
          >
            <option value="">Firing and resolved</option>
            <option value="firing">Firing</option>
            <option value="resolved">Resolved</option>
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
          <ul className="cards" aria-label="Alerts, newest first">
            {items.map((alert) => (
              <AlertCard key={alert.id} alert={alert} rule={ruleById.get(alert.ruleId)} />
            ))}
          </ul>
          {alerts.hasNextPage && (
            <button
              type="button"
              className="secondary more"
              disabled={alerts.isFetchingNextPage}
              onClick={() => void alerts.fetchNextPage()}
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
  return (
    <li className="card" aria-labelledby={headingId}>
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
        </span>
        {alert.groupKey && (
          <span>
            group <code>{alert.groupKey}</code>
          </span>
        )}
      </div>
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
      <ChangeContext context={alert.context} />
      <MatchingEvents alert={alert} rule={rule} />
    </li>
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
