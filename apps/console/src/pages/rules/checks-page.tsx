import { useInfiniteQuery, useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { PageHeader } from '../../ui/page-header';
import { RelativeTime } from '../../ui/relative-time';
import { EmptyState, Loading, ProblemMessage } from '../../ui/states';
import {
  CHECK_STATES,
  checksKey,
  duration,
  formatDurationMs,
  listChecks,
  setCheckPaused,
  type CheckList,
  type CheckState,
  type CheckView,
} from './api';
import { HeartbeatStrip } from './heartbeat-strip';
import type { ChecksSearch } from './search';
import { RulesTabs } from './section-tabs';
import './rules.css';

/** States change with time alone (a deadline passes): the board is read again this often. */
const REFRESH_MS = 10_000;
const PAGE_SIZE = 100;

/**
 * `/checks`: the heartbeat board. Every absence rule (and group) is a check: is it up, late or down, when
 * was it last seen, when is it next due, and its last pings; each rule can be paused and resumed.
 */
export function ChecksPage() {
  const search = useSearch({ from: '/app/checks' });
  const navigate = useNavigate({ from: '/checks' });
  const checks = useInfiniteQuery({
    queryKey: [...checksKey, search],
    queryFn: ({ pageParam, signal }) =>
      listChecks({ state: search.state, limit: PAGE_SIZE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: REFRESH_MS,
  });
  const items = checks.data?.pages.flatMap((p) => p.items) ?? [];
  const down = items.filter((c) => c.state === 'down').length;
  const late = items.filter((c) => c.state === 'late').length;
  return (
    <div className="rules-area">
      <PageHeader
        title="Heartbeat checks"
        actions={
          <Link to="/rules/new" className="button">
            New rule
          </Link>
        }
        description={
          <p>
            Each absence rule is a check (one per group with groupBy). An event of its type is a success ping;{' '}
            <code>&lt;type&gt;.failed</code> or severity <code>critical</code> is a failure, which fires at once;{' '}
            <code>&lt;type&gt;.started</code> starts a run, whose duration is recorded. Read again every{' '}
            {REFRESH_MS / 1000} seconds.
          </p>
        }
      />
      <RulesTabs />
      <form className="filters" role="search" aria-label="Filter checks" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="checks-state">State</label>
          <select
            id="checks-state"
            value={search.state ?? ''}
            onChange={(e) =>
              void navigate({ search: e.target.value ? { state: e.target.value as ChecksSearch['state'] } : {} })
            }
          >
            <option value="">Any state</option>
            {CHECK_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
      </form>
      {checks.isPending ? (
        <Loading what="heartbeat checks" />
      ) : checks.isError && !checks.data ? (
        <ProblemMessage error={checks.error} />
      ) : items.length === 0 && search.state ? (
        <EmptyState title={`No ${search.state} checks`}>
          <p>
            <Link to="/checks" search={{}}>
              Show checks in any state
            </Link>
            .
          </p>
        </EmptyState>
      ) : items.length === 0 ? (
        <EmptyState title="No heartbeat checks yet">
          <p>
            A check is an absence rule: create one with <Link to="/rules/new">New rule</Link>, kind Absence, with the
            type your job sends when it succeeds (e.g. <code>backup.nightly</code>) and how often it runs.
          </p>
        </EmptyState>
      ) : (
        <>
          <p role="status" className="help">
            {items.length} {items.length === 1 ? 'check' : 'checks'}
            {down > 0 && `, ${down} down`}
            {late > 0 && `, ${late} late`}.
          </p>
          {/* A failed refresh (or next page) keeps the board shown, and says so. */}
          {checks.isError && <ProblemMessage error={checks.error} />}
          <div className="table-wrap">
            <table className="table-stack checks-board">
              <caption className="visually-hidden">Heartbeat checks</caption>
              <thead>
                <tr>
                  <th scope="col">Check</th>
                  <th scope="col">State</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Next deadline</th>
                  <th scope="col">Schedule</th>
                  <th scope="col">Last run</th>
                  <th scope="col">Last pings</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((check) => (
                  <CheckRow key={`${check.ruleId}:${check.groupKey ?? ''}`} check={check} />
                ))}
              </tbody>
            </table>
          </div>
          {checks.hasNextPage && (
            <button
              type="button"
              className="secondary more"
              aria-disabled={checks.isFetchingNextPage || undefined}
              onClick={() => void (checks.isFetchingNextPage || checks.fetchNextPage())}
            >
              {checks.isFetchingNextPage ? 'Loading more checks…' : 'Show more checks'}
            </button>
          )}
        </>
      )}
    </div>
  );
}

const STATE_ICONS: Record<CheckState, string> = { new: '○', up: '✓', late: '▲', down: '✕', paused: '⏸' };

/** A check's state in words with an icon; the colour only repeats it. */
export function CheckStateLabel({ state }: { state: CheckState }) {
  return (
    <span className={`status check-${state}`}>
      <span aria-hidden="true">{STATE_ICONS[state]} </span>
      {state}
    </span>
  );
}

function checkName(check: CheckView): string {
  return check.groupKey ? `${check.name} (${check.groupKey})` : check.name;
}

function CheckRow({ check }: { check: CheckView }) {
  const name = checkName(check);
  return (
    <tr>
      <th scope="row" data-label="Check">
        <Link to="/rules/$ruleId" params={{ ruleId: check.ruleId }}>
          {check.name}
        </Link>
        {check.groupKey && (
          <>
            {' '}
            <code>{check.groupKey}</code>
          </>
        )}
      </th>
      <td data-label="State">
        <CheckStateLabel state={check.state} />
        {check.runningSince && (
          <div className="help">
            running since <RelativeTime value={check.runningSince} />
          </div>
        )}
        {check.alertId && (
          <div>
            <Link to="/alerts" search={{ ruleId: check.ruleId, state: 'firing' }}>
              Its alert
            </Link>
          </div>
        )}
      </td>
      <td data-label="Last seen">{check.lastSeenAt ? <RelativeTime value={check.lastSeenAt} /> : 'never'}</td>
      <td data-label="Next deadline">
        {check.state === 'paused' ? (
          'paused'
        ) : check.nextDeadlineAt ? (
          <RelativeTime value={check.nextDeadlineAt} />
        ) : (
          '—'
        )}
        {check.state !== 'paused' && check.nextExpectedAt && check.nextExpectedAt !== check.nextDeadlineAt && (
          <div className="help">
            expected <RelativeTime value={check.nextExpectedAt} />
          </div>
        )}
      </td>
      <td data-label="Schedule">
        <Schedule check={check} />
      </td>
      <td data-label="Last run">{check.lastDurationMs !== null ? formatDurationMs(check.lastDurationMs) : '—'}</td>
      <td data-label="Last pings">
        <HeartbeatStrip pings={check.pings} of={name} />
      </td>
      <td>
        <PauseButton check={check} name={check.groupKey ? `${check.name} (all its groups)` : check.name} />
      </td>
    </tr>
  );
}

function Schedule({ check }: { check: CheckView }) {
  return (
    <>
      {check.schedule ? (
        <>
          cron <code>{check.schedule}</code> {check.timezone ?? 'UTC'}
        </>
      ) : (
        <>every {duration(check.everySeconds ?? 0)}</>
      )}
      {check.graceSeconds > 0 && <>, {duration(check.graceSeconds)} grace</>}
      {check.maxRunSeconds !== null && <div className="help">a run may take {duration(check.maxRunSeconds)}</div>}
    </>
  );
}

/** A page of the board with a rule's checks as the API answered them now, in their places. */
function withRuleChecks(page: CheckList, ruleId: string, fresh: CheckView[]): CheckList {
  const key = (c: CheckView) => `${c.ruleId}:${c.groupKey ?? ''}`;
  const byKey = new Map(fresh.map((c) => [key(c), c]));
  return {
    ...page,
    items: page.items.map((c) => (c.ruleId === ruleId ? (byKey.get(key(c)) ?? c) : c)),
  };
}

/**
 * Pause or Resume (every check of the rule): the same button either way, so the keyboard focus stays on it;
 * aria-disabled while it works, as a disabled button would drop the focus to the page.
 */
function PauseButton({ check, name }: { check: CheckView; name: string }) {
  const queryClient = useQueryClient();
  const [said, setSaid] = useState('');
  const paused = check.state === 'paused';
  const toggle = useMutation({
    mutationFn: () => setCheckPaused(check.ruleId, !paused),
    onSuccess: async (fresh) => {
      queryClient.setQueriesData<InfiniteData<CheckList>>({ queryKey: checksKey }, (old) =>
        old ? { ...old, pages: old.pages.map((page) => withRuleChecks(page, check.ruleId, fresh.items)) } : old,
      );
      setSaid(paused ? 'Resumed.' : 'Paused: it fires nothing until resumed.');
      await queryClient.invalidateQueries({ queryKey: checksKey });
    },
  });
  return (
    <>
      <button
        type="button"
        className="secondary"
        aria-disabled={toggle.isPending || undefined}
        onClick={() => {
          if (!toggle.isPending) toggle.mutate();
        }}
      >
        {paused ? 'Resume' : 'Pause'}
        <span className="visually-hidden"> {name}</span>
      </button>
      <span role="status" className="help">
        {said}
      </span>
      <ProblemMessage error={toggle.error} />
    </>
  );
}
