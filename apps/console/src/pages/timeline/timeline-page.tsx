import { useInfiniteQuery, useQuery, type InfiniteData, type UseInfiniteQueryResult } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import type { TimelinePage as EntriesPage, TimelineEntry } from '@daalu/client';
import { apiFetch, ApiError, daalu, data } from '../../api/client';
import { CodeBlock } from '../../ui/code-block';
import { PageHeader } from '../../ui/page-header';
import { RelativeTime } from '../../ui/relative-time';
import { sendEventCurl } from '../../ui/curl-examples';
import { EmptyState, Loading, ProblemMessage } from '../../ui/states';
import { EntryRow } from './entry-row';
import { TimelineFilters } from './filters';
import { TimelineHistogramChart, useHistogramRefresh } from './histogram';
import { followStream, type StreamState } from './live-stream';
import { cleanSearch, eventsParams, eventsQuery, hasFilters, type TimelineSearch } from './search';
import './timeline.css';

const PAGE_SIZE = 50;
/** Live entries kept while not shown; past this the page offers a fresh load instead of a count. */
const HELD_MAX = 500;
/** If the stream has not said where it starts by then, load the list anyway. */
const LIST_WAIT_MS = 3000;

type EntriesQuery = UseInfiniteQueryResult<InfiniteData<EntriesPage>>;

/**
 * `/timeline`: a tenant's events, newest first, filtered by the URL, paged with the API's cursor, and
 * live over the SSE stream. Live entries are not pushed under the reader: they are counted ("N new
 * events") and shown at the top on request; Pause holds even the count back.
 */
export function TimelinePage() {
  const search = useSearch({ from: '/app/timeline' });
  const navigate = useNavigate({ from: '/timeline' });
  const filters = cleanSearch(search);
  const [paused, setPaused] = useState(false);
  const [reloads, setReloads] = useState(0);
  // One view per filters (and per reload): its stream, its list, its live entries.
  const viewKey = `${JSON.stringify(filters)}#${reloads}`;
  // The list is read once the view's stream knows its position: what lands in between comes live.
  const [streamReady, setStreamReady] = useState<string | null>(null);
  const list: EntriesQuery = useInfiniteQuery({
    queryKey: ['timeline', filters, reloads],
    queryFn: ({ pageParam, signal }) =>
      data(
        daalu.GET('/api/v1/events', {
          params: { query: eventsParams(filters, { limit: PAGE_SIZE, cursor: pageParam }) },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: streamReady === viewKey,
    // The list changes only when asked (filters, Load older, showing new events): never under the reader.
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
  const firstPageError = list.isError && !list.isFetchNextPageError ? list.error : null;
  const refusedFilters = firstPageError instanceof ApiError && firstPageError.status === 400;
  // The chart counts what lands too (at most every few seconds), unless live updates are paused.
  const refreshChart = useHistogramRefresh(filters);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const missedWhilePaused = useRef(false);
  const onLive = () => {
    if (pausedRef.current) missedWhilePaused.current = true;
    else refreshChart();
  };
  const setPausedAndCatchUp = (next: boolean) => {
    setPaused(next);
    if (!next && missedWhilePaused.current) {
      missedWhilePaused.current = false;
      refreshChart();
    }
  };

  return (
    <div className="timeline-area">
      <PageHeader
        title="Timeline"
        description="Every event, alert and proposal of this tenant, newest first, live as it arrives."
      />
      <TimelineFilters search={filters} error={firstPageError} onApply={(next) => void navigate({ search: next })} />
      {!refusedFilters && (
        <TimelineHistogramChart
          filters={filters}
          onNarrow={(range) => void navigate({ search: cleanSearch({ ...filters, ...range }) })}
        />
      )}
      <TimelineFeed
        key={viewKey}
        filters={filters}
        list={list}
        listError={firstPageError}
        paused={paused}
        onPausedChange={setPausedAndCatchUp}
        onLive={onLive}
        onReady={() => setStreamReady(viewKey)}
        onReload={() => setReloads((n) => n + 1)}
      />
    </div>
  );
}

const entryKey = (entry: TimelineEntry) => `${entry.kind}:${entry.id}`;

/** The live status and controls, then the entries: those shown from the stream on top of the list's pages. */
function TimelineFeed(props: {
  filters: TimelineSearch;
  list: EntriesQuery;
  listError: unknown;
  paused: boolean;
  onPausedChange: (paused: boolean) => void;
  /** An entry arrived over the stream. */
  onLive: () => void;
  onReady: () => void;
  onReload: () => void;
}) {
  const { filters, list, paused } = props;
  /** Arrived over the stream, not shown yet; oldest first. */
  const [held, setHeld] = useState<TimelineEntry[]>([]);
  /** Shown from the stream, on top of the list; newest first. */
  const [shown, setShown] = useState<TimelineEntry[]>([]);
  const [newKeys, setNewKeys] = useState<Set<string>>(new Set());
  const [state, setState] = useState<StreamState>({ kind: 'connecting' });
  // A view that ends in the past gets nothing new: no stream.
  const [ended] = useState(() => !!filters.until && Date.parse(filters.until) <= Date.now());
  const onReady = useRef(props.onReady);
  onReady.current = props.onReady;
  const onLive = useRef(props.onLive);
  onLive.current = props.onLive;
  const firstNew = useRef<HTMLLIElement>(null);
  const [focusFirstNew, setFocusFirstNew] = useState(false);

  // The stream lives as long as this view: filters change, the page is left, or a reload: aborted.
  useEffect(() => {
    if (ended) {
      onReady.current();
      return;
    }
    const controller = new AbortController();
    const fallback = setTimeout(() => onReady.current(), LIST_WAIT_MS);
    void followStream({
      signal: controller.signal,
      open: (lastEventId, signal) =>
        apiFetch(`/api/v1/events/stream${eventsQuery(filters)}`, {
          headers: { accept: 'text/event-stream', ...(lastEventId && { 'last-event-id': lastEventId }) },
          signal,
        }),
      onPosition: () => onReady.current(),
      onEntry: (entry) => {
        setHeld((h) => (h.length >= HELD_MAX ? h : [...h, entry as TimelineEntry]));
        onLive.current();
      },
      onState: (next) => {
        setState(next);
        // No stream for now: the list should not wait for one.
        if (next.kind === 'failed' || next.kind === 'retrying') onReady.current();
      },
    });
    return () => {
      controller.abort();
      clearTimeout(fallback);
    };
    // Runs once: the view is keyed by its filters, so new filters are a new view.
  }, []);

  useEffect(() => {
    if (focusFirstNew) {
      firstNew.current?.focus();
      setFocusFirstNew(false);
    }
  }, [focusFirstNew]);

  const listed = list.data?.pages.flatMap((p) => p.items) ?? [];
  // An entry can come both ways (it landed after the stream's start, before the list was read): once.
  const shownKeys = new Set(shown.map(entryKey));
  const items = [...shown, ...listed.filter((e) => !shownKeys.has(entryKey(e)))];
  const known = new Set(items.map(entryKey));
  const fresh: TimelineEntry[] = [];
  for (const entry of held) {
    if (known.has(entryKey(entry))) continue;
    known.add(entryKey(entry));
    fresh.push(entry);
  }
  const overflow = held.length >= HELD_MAX;

  // After Load older: the first of the older entries takes focus (the button is gone after the last page).
  const [focusEntry, setFocusEntry] = useState<number | null>(null);
  useEffect(() => {
    if (focusEntry === null || items.length <= focusEntry) return;
    document.querySelector<HTMLElement>(`[data-entry-index="${focusEntry}"]`)?.focus();
    setFocusEntry(null);
  }, [focusEntry, items.length]);
  const loadOlder = async () => {
    if (list.isFetchingNextPage) return;
    const before = items.length;
    const result = await list.fetchNextPage();
    if (!result.isError) setFocusEntry(before);
  };

  const showNew = () => {
    if (overflow) return props.onReload();
    setShown((s) => [...[...fresh].reverse(), ...s]);
    setNewKeys(new Set(fresh.map(entryKey)));
    setHeld([]);
    setFocusFirstNew(true);
  };

  return (
    <>
      {!(props.listError instanceof ApiError && props.listError.status === 400) && (
        <LiveBar
          state={state}
          ended={ended ? filters.until! : null}
          paused={paused}
          count={fresh.length}
          overflow={overflow}
          onShowNew={showNew}
          onPausedChange={props.onPausedChange}
        />
      )}
      {list.isPending ? (
        <Loading what="events" />
      ) : props.listError ? (
        <ProblemMessage error={props.listError} />
      ) : items.length === 0 ? (
        <NoEntries filtered={hasFilters(filters)} live={!ended} />
      ) : (
        <>
          <ol className="entries" aria-label="Events, newest first">
            {items.map((entry, i) => (
              <EntryRow
                key={entryKey(entry)}
                entry={entry}
                isNew={newKeys.has(entryKey(entry))}
                index={i}
                ref={i === 0 ? firstNew : undefined}
              />
            ))}
          </ol>
          <div className="row paging">
            {list.hasNextPage ? (
              // aria-disabled, not disabled: a focused button that gets disabled drops focus to <body>.
              <button
                type="button"
                className="secondary"
                aria-disabled={list.isFetchingNextPage || undefined}
                onClick={() => void loadOlder()}
              >
                {list.isFetchingNextPage ? 'Loading older events…' : 'Load older events'}
              </button>
            ) : (
              <p className="help">No older events match.</p>
            )}
            <p className="help" aria-live="polite">
              Showing {items.length} {items.length === 1 ? 'event' : 'events'}.
            </p>
          </div>
          <ProblemMessage error={list.isFetchNextPageError ? list.error : null} />
        </>
      )}
    </>
  );
}

/** Says where the live stream is, holds Pause, and offers the events that arrived. */
function LiveBar(props: {
  state: StreamState;
  ended: string | null;
  paused: boolean;
  count: number;
  overflow: boolean;
  onShowNew: () => void;
  onPausedChange: (paused: boolean) => void;
}) {
  const { state, paused, count } = props;
  const failed = state.kind === 'failed';
  return (
    <div className="live-bar">
      <p className="live-status" role="status">
        {props.ended ? (
          <>
            Live updates are off: this view ends <RelativeTime value={props.ended} />.
          </>
        ) : failed ? (
          <>Live updates are off: {state.error.message}</>
        ) : paused ? (
          <>
            <span aria-hidden="true">❚❚ </span>Paused: new events are held back until you resume.
          </>
        ) : state.kind === 'live' ? (
          <>
            <span aria-hidden="true">● </span>Live: new events wait here until you show them.
          </>
        ) : state.kind === 'retrying' ? (
          <>{retryingText(state)}</>
        ) : (
          <>Connecting to live updates…</>
        )}
      </p>
      {!props.ended && !failed && (
        <>
          {!paused && (count > 0 || props.overflow) && (
            <button type="button" className="new-events" onClick={props.onShowNew}>
              <span aria-hidden="true">↑ </span>
              {props.overflow ? `${count}+ new events` : count === 1 ? '1 new event' : `${count} new events`}
              <span className="visually-hidden">{props.overflow ? ': reload the list' : ': show at the top'}</span>
            </button>
          )}
          <button type="button" className="secondary" onClick={() => props.onPausedChange(!paused)}>
            {paused ? 'Resume live updates' : 'Pause live updates'}
          </button>
        </>
      )}
    </div>
  );
}

function retryingText(state: Extract<StreamState, { kind: 'retrying' }>): string {
  const seconds = Math.max(1, Math.round(state.inMs / 1000));
  if (state.error instanceof ApiError && state.error.status === 429)
    return `Too many live views are open for this tenant; trying again in ${seconds} s.`;
  return `Live updates dropped; reconnecting in ${seconds} s (nothing is missed meanwhile).`;
}

/** Nothing to list: with filters, how to widen them; without, how to send the first event. */
function NoEntries({ filtered, live }: { filtered: boolean; live: boolean }) {
  const ingest = useQuery({
    queryKey: ['ingest'],
    queryFn: ({ signal }) => data(daalu.GET('/api/v1/ingest', { signal })),
    enabled: !filtered,
  });
  if (filtered) {
    return (
      <EmptyState title="No events match these filters">
        <p>
          Change the filters above, or{' '}
          <Link to="/timeline" search={{}}>
            show every event
          </Link>
          .{live && ' Matching events that arrive now are offered above.'}
        </p>
      </EmptyState>
    );
  }
  const endpoint = ingest.data?.endpoint ?? `${location.origin}/api/v1/events`;
  return (
    <EmptyState title="No events yet">
      <p>
        Send one to your ingest endpoint, <code>POST {endpoint}</code>, with <code>DAALU_KEY</code> set to your ingest
        key (see <Link to="/webhooks/inbound">Webhooks → Inbound</Link>):
      </p>
      <CodeBlock
        code={sendEventCurl(endpoint)}
        label="Send a test event"
        copyLabel="Copy the curl command"
        testId="send-event-curl"
      />
      <p>It shows up here as it arrives.</p>
    </EmptyState>
  );
}
