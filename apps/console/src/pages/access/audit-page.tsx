import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { LocalDateTimeInput, timeHelp } from '../../ui/datetime';
import { Field, fieldAttrs } from '../../ui/field';
import { useFocusFirstInvalid } from '../../ui/focus';
import { PageHeader } from '../../ui/page-header';
import { RelativeTime } from '../../ui/relative-time';
import { EmptyState, Loading, ProblemMessage } from '../../ui/states';
import { AUDIT_ACTIONS, AUDIT_PREFIXES, detailsSummary, useAudit, type AuditEntry } from './api';
import type { AuditSearch } from './search';

/** `/audit`: who changed credentials, rules and webhooks or revealed a secret, newest first; filters in the URL. */
export function AuditPage() {
  const search = useSearch({ from: '/app/audit' });
  const navigate = useNavigate({ from: '/audit' });
  const audit = useAudit(search);
  const items = audit.data?.pages.flatMap((p) => p.items) ?? [];
  const firstPageError = audit.isError && !audit.isFetchNextPageError ? audit.error : null;
  const filtered = !!(search.action || search.actor || search.since || search.until);
  // After Load older: the first new row takes focus (the button may be gone when the last page came).
  const [focusRow, setFocusRow] = useState<number | null>(null);
  useEffect(() => {
    if (focusRow === null || items.length <= focusRow) return;
    document.querySelector<HTMLElement>(`[data-audit-row="${focusRow}"]`)?.focus();
    setFocusRow(null);
  }, [focusRow, items.length]);

  const loadOlder = async () => {
    if (audit.isFetchingNextPage) return;
    const before = items.length;
    const result = await audit.fetchNextPage();
    if (!result.isError) setFocusRow(before);
  };

  return (
    <div className="access-area">
      <PageHeader
        back={<span>Settings</span>}
        title="Audit log"
        description={
          <p>
            Every security-relevant change of this tenant, newest first: its ingest key and API tokens, alert rules,
            webhooks and their secrets, proposals and their decisions, with who did it.
          </p>
        }
      />
      <AuditFilters
        key={JSON.stringify(search)}
        search={search}
        error={firstPageError}
        onApply={(next) => void navigate({ search: next })}
      />
      {filtered && (
        <p>
          <Link to="/audit" search={{}}>
            Clear filters
          </Link>
        </p>
      )}
      {audit.isPending ? (
        <Loading what="the audit log" />
      ) : firstPageError ? (
        <ProblemMessage error={firstPageError} />
      ) : items.length === 0 ? (
        <EmptyState title={filtered ? 'No entries match these filters' : 'No entries yet'}>
          {filtered && <p>Change the filters above, or clear them.</p>}
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="audit-table table-stack">
              <caption className="visually-hidden">Audit log, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Action</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Target</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {items.map((entry, i) => (
                  <AuditRow key={entry.id} entry={entry} index={i} />
                ))}
              </tbody>
            </table>
          </div>
          <div className="audit-more">
            {audit.hasNextPage ? (
              // aria-disabled, not disabled: a focused button that gets disabled drops focus to <body>.
              <button
                type="button"
                className="secondary"
                aria-disabled={audit.isFetchingNextPage || undefined}
                onClick={() => void loadOlder()}
              >
                {audit.isFetchingNextPage ? 'Loading older entries…' : 'Load older'}
              </button>
            ) : (
              <p className="help">No older entries{filtered ? ' match' : ''}.</p>
            )}
            <p className="help" aria-live="polite">
              Showing {items.length} {items.length === 1 ? 'entry' : 'entries'}.
            </p>
          </div>
          <ProblemMessage error={audit.isFetchNextPageError ? audit.error : null} />
        </>
      )}
    </div>
  );
}

function AuditRow({ entry, index }: { entry: AuditEntry; index: number }) {
  const details = detailsSummary(entry.details);
  return (
    <tr data-audit-row={index} tabIndex={-1}>
      <td data-label="Time">
        <RelativeTime value={entry.at} />
      </td>
      <td data-label="Action">
        <code>{entry.action}</code>
      </td>
      <td data-label="Actor">{entry.actor ?? <span className="help">unknown</span>}</td>
      <td data-label="Target">
        <span className="help">{entry.target.type}</span> {entry.target.name ?? entry.target.id ?? '—'}
      </td>
      <td data-label="Details" className="audit-details">
        {details || '—'}
      </td>
    </tr>
  );
}

/** The filters, kept here until Apply: then they go in the URL (the list follows it). */
function AuditFilters(props: { search: AuditSearch; error: unknown; onApply: (search: AuditSearch) => void }) {
  const [action, setAction] = useState(props.search.action ?? '');
  const [actor, setActor] = useState(props.search.actor ?? '');
  const [since, setSince] = useState(props.search.since ?? '');
  const [until, setUntil] = useState(props.search.until ?? '');
  const { error } = props;
  // The API refused a filter: focus goes to the field it names.
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, error);
  const known =
    action === '' || AUDIT_PREFIXES.includes(action) || (AUDIT_ACTIONS as readonly string[]).includes(action);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next: AuditSearch = {};
    if (action) next.action = action;
    if (actor.trim()) next.actor = actor.trim();
    if (since) next.since = since;
    if (until) next.until = until;
    props.onApply(next);
  };

  return (
    <form ref={formRef} className="filters" role="search" aria-label="Filter the audit log" onSubmit={submit}>
      <Field id="audit-action" field="action" label="Action" error={error}>
        <select
          {...fieldAttrs(error, 'action', 'audit-action')}
          value={action}
          onChange={(e) => setAction(e.target.value)}
        >
          <option value="">Any action</option>
          <optgroup label="Every action of">
            {AUDIT_PREFIXES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </optgroup>
          <optgroup label="One action">
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </optgroup>
          {!known && <option value={action}>{action}</option>}
        </select>
      </Field>
      <Field id="audit-actor" field="actor" label="Actor" error={error}>
        <input
          {...fieldAttrs(error, 'actor', 'audit-actor')}
          type="search"
          value={actor}
          placeholder="part of a name or prefix"
          onChange={(e) => setActor(e.target.value)}
        />
      </Field>
      <Field id="audit-since" field="since" label="Since" error={error} help={timeHelp(since, 'Any time')}>
        <LocalDateTimeInput
          {...fieldAttrs(error, 'since', 'audit-since', 'audit-since-help')}
          value={since}
          onChange={setSince}
        />
      </Field>
      <Field id="audit-until" field="until" label="Until" error={error} help={timeHelp(until, 'Now')}>
        <LocalDateTimeInput
          {...fieldAttrs(error, 'until', 'audit-until', 'audit-until-help')}
          value={until}
          onChange={setUntil}
        />
      </Field>
      <button type="submit">Apply filters</button>
    </form>
  );
}
