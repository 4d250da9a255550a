import * as AlertDialog from '@radix-ui/react-alert-dialog';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Proposal } from '@daalu/client';
import { ApiError, daalu, data } from '../../api/client';
import { CodeBlock } from '../../ui/code-block';
import { proposeCurl } from '../../ui/curl-examples';
import { useFocusFirstInvalid } from '../../ui/focus';
import { LiveBar, useThrottled, useTimelineSignal } from '../../ui/live-updates';
import { JsonView } from '../../ui/json-view';
import { PageHeader } from '../../ui/page-header';
import { RelativeTime } from '../../ui/relative-time';
import { EmptyState, FieldErrors, Loading, ProblemMessage, StatusLabel } from '../../ui/states';
import { PROPOSAL_STATES } from './api';
import type { ProposalsSearch } from './search';
import './rules.css';

const PAGE_SIZE = 20;

/**
 * `/proposals`: change proposals, newest first, filtered by state (in the URL); pending ones approved or
 * rejected here. Live: each proposal entry on the timeline's stream (`type=proposal.*`) reads the first
 * page again on the side, and what differs from the list (new proposals, decisions made elsewhere) is
 * counted until shown, never pushed under the reader.
 */
export function ProposalsPage() {
  const search = useSearch({ from: '/app/proposals' });
  const navigate = useNavigate({ from: '/proposals' });
  const proposals = useInfiniteQuery({
    queryKey: ['proposals', search],
    queryFn: ({ pageParam, signal }) =>
      data(
        daalu.GET('/api/v1/proposals', {
          params: { query: { state: search.state, limit: PAGE_SIZE, cursor: pageParam } },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = proposals.data?.pages.flatMap((p) => p.items) ?? [];
  const live = useLiveProposals(search, items, proposals.dataUpdatedAt);
  const [newIds, setNewIds] = useState<Set<string>>(new Set());
  const showLive = async () => {
    const { added, changed } = live.waiting;
    await proposals.refetch();
    live.clear();
    setNewIds(new Set(added));
    // The button is gone: focus goes to the first new (else changed) proposal, else the first one, else the heading.
    const target = added[0] ?? changed[0];
    setFocusTarget(target ?? 'first');
  };
  const [focusTarget, setFocusTarget] = useState<string | null>(null);
  useEffect(() => {
    if (!focusTarget) return;
    const card =
      document.querySelector<HTMLElement>(`[data-proposal-id="${focusTarget}"]`) ??
      document.querySelector<HTMLElement>('[data-proposal-id]');
    (card ?? document.querySelector<HTMLElement>('main h1'))?.focus();
    setFocusTarget(null);
  }, [focusTarget, items.length]);
  // After Show older: the first of the older proposals takes focus (the button is gone after the last page).
  const [focusCard, setFocusCard] = useState<number | null>(null);
  useEffect(() => {
    if (focusCard === null || items.length <= focusCard) return;
    document.querySelectorAll<HTMLElement>('[data-proposal-id]')[focusCard]?.focus();
    setFocusCard(null);
  }, [focusCard, items.length]);
  const showOlder = async () => {
    if (proposals.isFetchingNextPage) return;
    const before = items.length;
    const result = await proposals.fetchNextPage();
    if (!result.isError) setFocusCard(before);
  };
  return (
    <div className="rules-area">
      <PageHeader
        title="Change proposals"
        description={
          <p>
            A proposal is a change someone wants made (scale, roll back, …) that someone else approves or rejects. Each
            step is on the{' '}
            <Link to="/timeline" search={{ type: 'proposal.*' }}>
              timeline
            </Link>
            .
          </p>
        }
      />
      <form className="filters" role="search" aria-label="Filter proposals" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="proposals-state">State</label>
          <select
            id="proposals-state"
            value={search.state ?? ''}
            onChange={(e) =>
              void navigate({
                search: e.target.value ? { state: e.target.value as ProposalsSearch['state'] } : {},
              })
            }
          >
            <option value="">Any state</option>
            {PROPOSAL_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
      </form>
      <LiveBar
        state={live.state}
        count={live.waiting.added.length + live.waiting.changed.length}
        noun={['proposal', 'proposals']}
        label={liveLabel(live.waiting)}
        onShow={() => void showLive()}
      />
      {proposals.isPending ? (
        <Loading what="proposals" />
      ) : proposals.isError ? (
        <ProblemMessage error={proposals.error} />
      ) : items.length === 0 ? (
        search.state ? (
          <EmptyState title={`No ${search.state} proposals`}>
            <p>
              <Link to="/proposals" search={{}}>
                Show proposals in any state
              </Link>
              .
            </p>
          </EmptyState>
        ) : (
          <EmptyState title="No proposals yet">
            <p>
              Proposals are made through the API, by a person or an automation, and appear here to be approved or
              rejected. With <code>DAALU_TOKEN</code> set to an API token with the write scope:
            </p>
            <CodeBlock code={proposeCurl(location.origin)} label="Propose a change" copyLabel="Copy the curl command" />
          </EmptyState>
        )
      ) : (
        <>
          <ul className="cards" aria-label="Proposals, newest first">
            {items.map((p) => (
              <ProposalCard key={p.id} proposal={p} isNew={newIds.has(p.id)} />
            ))}
          </ul>
          {proposals.hasNextPage && (
            // aria-disabled, not disabled: a focused button that gets disabled drops focus to <body>.
            <button
              type="button"
              className="secondary more"
              aria-disabled={proposals.isFetchingNextPage || undefined}
              onClick={() => void showOlder()}
            >
              {proposals.isFetchingNextPage ? 'Loading older proposals…' : 'Show older proposals'}
            </button>
          )}
        </>
      )}
    </div>
  );
}

/** What the side read found that the list does not show yet: ids of new proposals, and of changed or gone ones. */
interface Waiting {
  added: string[];
  changed: string[];
}

/**
 * Follows the proposal entries of the timeline's stream; on each (and once the stream is positioned,
 * for what came before it), reads the list's first page again apart from the list, and compares.
 * A read of the list itself (a decision made here, Show older) clears what was found.
 */
function useLiveProposals(search: ProposalsSearch, items: Proposal[], listReadAt: number) {
  const [latest, setLatest] = useState<Proposal[] | null>(null);
  const read = useThrottled(
    () =>
      void data(daalu.GET('/api/v1/proposals', { params: { query: { state: search.state, limit: PAGE_SIZE } } }))
        .then((page) => setLatest(page.items))
        .catch(() => undefined),
    { everyMs: 3000, delayMs: 500 },
  );
  const state = useTimelineSignal(`?type=${encodeURIComponent('proposal.*')}`, read, { onPosition: read });
  // The list was read (again): it shows all there was then.
  useEffect(() => setLatest(null), [listReadAt, search.state]);
  const waiting: Waiting = { added: [], changed: [] };
  if (latest && listReadAt) {
    const shown = new Map(items.map((p) => [p.id, p]));
    const found = new Set(latest.map((p) => p.id));
    const oldestFound = latest.length === PAGE_SIZE ? latest[latest.length - 1].createdAt : '';
    for (const p of latest) {
      const before = shown.get(p.id);
      if (!before) waiting.added.push(p.id);
      else if (before.state !== p.state) waiting.changed.push(p.id);
    }
    // Left the filter (decided elsewhere, under a state filter): within the page read, but not in it.
    for (const p of items) if (!found.has(p.id) && p.createdAt >= oldestFound) waiting.changed.push(p.id);
  }
  return { state, waiting, clear: () => setLatest(null) };
}

function liveLabel({ added, changed }: Waiting): string {
  const proposals = (n: number) => (n === 1 ? 'proposal' : 'proposals');
  if (!changed.length) return `${added.length} new ${proposals(added.length)}`;
  if (!added.length) return `${changed.length} ${proposals(changed.length)} decided elsewhere`;
  return `${added.length} new, ${changed.length} decided elsewhere`;
}

function ProposalCard({ proposal, isNew }: { proposal: Proposal; isNew: boolean }) {
  const headingId = `proposal-${proposal.id}`;
  return (
    <li
      className={isNew ? 'card card-new' : 'card'}
      aria-labelledby={headingId}
      tabIndex={-1}
      data-proposal-id={proposal.id}
    >
      <h2 id={headingId}>{proposal.title}</h2>
      <div className="row">
        {isNew && <span className="new-label">new</span>}
        <StatusLabel status={proposal.state} />
        <span>
          kind <code>{proposal.kind}</code>
        </span>
      </div>
      <dl>
        <dt>Proposed</dt>
        <dd>
          <RelativeTime value={proposal.createdAt} /> by {proposal.createdBy}
        </dd>
        {proposal.state !== 'pending' && (
          <>
            <dt>{proposal.state === 'approved' ? 'Approved' : 'Rejected'}</dt>
            <dd>
              <RelativeTime value={proposal.decidedAt} /> by {proposal.decidedBy ?? 'unknown'}
            </dd>
            <dt>Reason</dt>
            <dd>{proposal.reason || 'none given'}</dd>
          </>
        )}
      </dl>
      {Object.keys(proposal.payload ?? {}).length > 0 && (
        <details>
          <summary>Payload</summary>
          <JsonView value={proposal.payload} label={`Payload of ${proposal.title}`} />
        </details>
      )}
      {proposal.state === 'pending' && (
        <div className="row">
          <DecisionDialog proposal={proposal} decision="approve" />
          <DecisionDialog proposal={proposal} decision="reject" />
        </div>
      )}
    </li>
  );
}

/**
 * Approve or reject, with who decides and why (both optional: the API records the caller's token when
 * `by` is empty). The dialog stays open until the API answers, and shows its problem in words; a 409
 * means someone decided first, and the list is read again to show their decision.
 */
function DecisionDialog({ proposal, decision }: { proposal: Proposal; decision: 'approve' | 'reject' }) {
  const [open, setOpen] = useState(false);
  const [by, setBy] = useState('');
  const [reason, setReason] = useState('');
  const queryClient = useQueryClient();
  const byInput = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  // Once decided, the buttons that opened the dialog are gone: focus goes on to the next proposal.
  const afterClose = useRef<(() => void) | null>(null);
  const decide = useMutation({
    mutationFn: () => {
      const init = {
        params: { path: { id: proposal.id } },
        body: { ...(by.trim() ? { by: by.trim() } : {}), ...(reason.trim() ? { reason: reason.trim() } : {}) },
      };
      return data(
        decision === 'approve'
          ? daalu.POST('/api/v1/proposals/{id}/approve', init)
          : daalu.POST('/api/v1/proposals/{id}/reject', init),
      );
    },
    onSuccess: async () => {
      const next = focusTargetsAfter(proposal.id);
      await queryClient.invalidateQueries({ queryKey: ['proposals'] });
      afterClose.current = () => focusFirstOf(next);
      setOpen(false);
    },
  });
  const verb = decision === 'approve' ? 'Approve' : 'Reject';
  const ids = { by: `${decision}-by-${proposal.id}`, reason: `${decision}-reason-${proposal.id}` };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!decide.isPending) decide.mutate();
  };
  const conflict = decide.error instanceof ApiError && decide.error.status === 409;
  // A refused decision: focus goes to the field it names, else to the problem.
  useFocusFirstInvalid(formRef, decide.error);
  return (
    <AlertDialog.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) decide.reset();
        // Decided elsewhere: closing shows that decision (read again only now, so the words stay readable).
        else if (conflict) void queryClient.invalidateQueries({ queryKey: ['proposals'] });
      }}
    >
      <AlertDialog.Trigger asChild>
        <button type="button" className={decision === 'approve' ? undefined : 'danger'}>
          {verb}
          <span className="visually-hidden"> “{proposal.title}”</span>
        </button>
      </AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content
          className="dialog"
          // The first field takes focus, not Cancel: typing a name with a space must not close the dialog.
          onOpenAutoFocus={(e) => {
            e.preventDefault();
            byInput.current?.focus();
          }}
          onCloseAutoFocus={(e) => {
            const focusNext = afterClose.current;
            afterClose.current = null;
            if (focusNext) {
              e.preventDefault();
              focusNext();
            }
          }}
        >
          <AlertDialog.Title>
            {verb} “{proposal.title}”?
          </AlertDialog.Title>
          <AlertDialog.Description>
            The decision is recorded on the log and the timeline, and cannot be changed afterwards.
          </AlertDialog.Description>
          <form ref={formRef} onSubmit={submit} noValidate className="decision-form">
            <div className="field">
              <label htmlFor={ids.by}>Decided by (optional)</label>
              <input
                ref={byInput}
                id={ids.by}
                value={by}
                maxLength={200}
                aria-describedby={`${ids.by}-help`}
                aria-invalid={(decide.error instanceof ApiError && decide.error.forField('by').length > 0) || undefined}
                onChange={(e) => setBy(e.target.value)}
              />
              <p className="help" id={`${ids.by}-help`}>
                Your name as the record should show it; empty records this API token.
              </p>
              <FieldErrors id={`${ids.by}-error`} error={decide.error} field="by" />
            </div>
            <div className="field">
              <label htmlFor={ids.reason}>Reason (optional)</label>
              <textarea
                id={ids.reason}
                value={reason}
                rows={3}
                maxLength={1000}
                aria-invalid={
                  (decide.error instanceof ApiError && decide.error.forField('reason').length > 0) || undefined
                }
                aria-describedby={`${ids.reason}-error`}
                onChange={(e) => setReason(e.target.value)}
              />
              <FieldErrors id={`${ids.reason}-error`} error={decide.error} field="reason" />
            </div>
            {conflict && (
              <p className="field-error" role="alert">
                Someone else decided this proposal first ({(decide.error as ApiError).detail ?? 'decided already'}), so
                your decision was not recorded. Close this to see theirs.
              </p>
            )}
            {!conflict && <ProblemMessage error={decide.error} />}
            <div className="dialog-actions">
              <AlertDialog.Cancel asChild>
                <button type="button" className="secondary">
                  {conflict ? 'Close' : 'Cancel'}
                </button>
              </AlertDialog.Cancel>
              {!conflict && (
                <button
                  type="submit"
                  className={decision === 'approve' ? undefined : 'danger'}
                  aria-disabled={decide.isPending || undefined}
                >
                  {decide.isPending ? `${verb === 'Approve' ? 'Approving' : 'Rejecting'}…` : verb}
                </button>
              )}
            </div>
          </form>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

/**
 * Where focus goes once a proposal is decided, best first: the next proposal in the list, the one
 * before it, then the page's heading. Read before the list changes (the decided one may leave it).
 */
function focusTargetsAfter(proposalId: string): string[] {
  const card = document.querySelector(`[data-proposal-id="${proposalId}"]`);
  const id = (element: Element | null | undefined) => element?.getAttribute('data-proposal-id');
  return [id(card?.nextElementSibling), id(card?.previousElementSibling)].filter((x): x is string => !!x);
}

function focusFirstOf(proposalIds: string[]): void {
  for (const id of proposalIds) {
    const card = document.querySelector<HTMLElement>(`[data-proposal-id="${id}"]`);
    if (card) return card.focus();
  }
  document.querySelector<HTMLElement>('main h1')?.focus();
}
