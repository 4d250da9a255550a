import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { Confirm } from '../../ui/confirm';
import { PageHeader } from '../../ui/page-header';
import { RelativeTime } from '../../ui/relative-time';
import { EmptyState, Loading, ProblemMessage, StatusLabel } from '../../ui/states';
import {
  describeMatchers,
  expireSilence,
  listRules,
  listSilences,
  rulesKey,
  SILENCE_STATES,
  silencesKey,
  type Silence,
} from './api';
import { useFocusKeptInList } from './keep-focus';
import type { SilencesSearch } from './search';
import { AlertsTabs } from './section-tabs';
import { SilenceDialog } from './silence-form';
import './rules.css';

/**
 * `/silences`: maintenance windows. Alerts that fire while one is active and match it still fire and show,
 * but webhooks are told only when it ends. Latest end first (the API's order), filtered by state (in the URL).
 */
export function SilencesPage() {
  const search = useSearch({ from: '/app/silences' });
  const navigate = useNavigate({ from: '/silences' });
  const rules = useQuery({ queryKey: rulesKey, queryFn: listRules });
  const silences = useQuery({
    queryKey: [...silencesKey, search],
    queryFn: ({ signal }) => listSilences(search.state, signal),
    // Pending ones start and active ones end on their own.
    refetchInterval: 30_000,
  });
  const ruleName = (id: string) => rules.data?.items.find((r) => r.id === id)?.name;
  const items = silences.data?.items ?? [];
  const { listRef, onFocus } = useFocusKeptInList(items);
  const [created, setCreated] = useState<Silence | null>(null);

  return (
    <div className="rules-area">
      <PageHeader
        title="Silences"
        actions={
          <SilenceDialog
            title="New silence"
            initial={{}}
            onCreated={setCreated}
            trigger={<button type="button">New silence…</button>}
          />
        }
        description={
          <p>
            A silence is for maintenance: alerts that fire while it is active and match it still fire and show on the{' '}
            <Link to="/alerts" search={{ state: 'silenced' }}>
              Alerts
            </Link>{' '}
            page, marked silenced, but no webhook is told until it ends; then webhooks hear of those still firing. It
            does not cover alerts that were firing before it started.
          </p>
        }
      />
      <AlertsTabs />
      <p role="status" className="help">
        {created &&
          `Silence created: ${describeMatchers(created.matchers, ruleName)}, until ${new Date(created.endsAt).toLocaleString()}.`}
      </p>
      <form className="filters" role="search" aria-label="Filter silences" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="silences-state">State</label>
          <select
            id="silences-state"
            value={search.state ?? ''}
            onChange={(e) =>
              void navigate({ search: e.target.value ? { state: e.target.value as SilencesSearch['state'] } : {} })
            }
          >
            <option value="">Any state</option>
            {SILENCE_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
      </form>
      {silences.isPending ? (
        <Loading what="silences" />
      ) : silences.isError ? (
        <ProblemMessage error={silences.error} />
      ) : items.length === 0 ? (
        search.state ? (
          <EmptyState title={`No ${search.state} silences`}>
            <p>
              <Link to="/silences" search={{}}>
                Show silences in any state
              </Link>
              .
            </p>
          </EmptyState>
        ) : (
          <EmptyState title="No silences">
            <p>
              Planning maintenance? Create one with New silence, or with Silence… on a firing alert, so its rule’s next
              alerts do not wake anyone.
            </p>
          </EmptyState>
        )
      ) : (
        <ul className="cards" aria-label="Silences, latest end first" ref={listRef} onFocus={onFocus}>
          {items.map((silence) => (
            <SilenceCard key={silence.id} silence={silence} ruleName={ruleName} />
          ))}
        </ul>
      )}
    </div>
  );
}

function SilenceCard({ silence, ruleName }: { silence: Silence; ruleName: (id: string) => string | undefined }) {
  const headingId = `silence-${silence.id}`;
  const queryClient = useQueryClient();
  const expire = useMutation({
    mutationFn: () => expireSilence(silence.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: silencesKey }),
  });
  const what = describeMatchers(silence.matchers, ruleName);
  const ruleId = silence.matchers.ruleId;
  return (
    <li className="card" aria-labelledby={headingId} tabIndex={-1}>
      <h2 id={headingId}>{what}</h2>
      <div className="row">
        <StatusLabel status={silence.state} />
        {ruleId && ruleName(ruleId) && (
          <Link to="/alerts" search={{ ruleId }}>
            Alerts of this rule
          </Link>
        )}
      </div>
      <dl>
        <dt>{silence.state === 'pending' ? 'Starts' : 'Started'}</dt>
        <dd>
          <RelativeTime value={silence.startsAt} />
        </dd>
        <dt>{silence.state === 'expired' ? 'Ended' : 'Ends'}</dt>
        <dd>
          {silence.expiredAt ? (
            <>
              <RelativeTime value={silence.expiredAt} />, ended early by {silence.expiredBy ?? 'someone'}
            </>
          ) : (
            <RelativeTime value={silence.endsAt} />
          )}
        </dd>
        <dt>Created</dt>
        <dd>
          <RelativeTime value={silence.createdAt} /> by {silence.createdBy}
        </dd>
        <dt>Comment</dt>
        <dd>{silence.comment || 'none given'}</dd>
      </dl>
      {silence.state !== 'expired' && (
        <Confirm
          trigger={
            <button type="button" className="danger" aria-disabled={expire.isPending || undefined}>
              {expire.isPending ? 'Expiring…' : 'Expire now'}
              <span className="visually-hidden"> the silence of {what}</span>
            </button>
          }
          title="Expire this silence now?"
          description={
            <p>
              Silence of {what}. Alerts it still covers and that still fire are delivered to webhooks now, and new
              alerts are no longer silenced by it.
            </p>
          }
          confirmLabel="Expire silence"
          onConfirm={() => {
            if (!expire.isPending) expire.mutate();
          }}
        />
      )}
      <ProblemMessage error={expire.error} />
    </li>
  );
}
