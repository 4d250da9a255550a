import { useEffect, useRef, useState } from 'react';
import type { TimelineEntry } from '@daalu/client';
import { apiFetch, ApiError } from '../api/client';
import { followStream, type StreamState } from '../pages/timeline/live-stream';

/**
 * Live lists beyond the timeline (the inbound requests, the proposals) follow the timeline's stream
 * (`GET /api/v1/events/stream`, with the timeline's filters as `query`): each entry is a signal to
 * read their own list again. What the new read brings is not pushed under the reader: it is counted
 * ("2 new requests") and shown on request, as the timeline does.
 */
export function useTimelineSignal(
  query: string,
  onEntry: (entry: TimelineEntry) => void,
  options: { onPosition?: () => void } = {},
): StreamState {
  const [state, setState] = useState<StreamState>({ kind: 'connecting' });
  const handlers = useRef({ onEntry, onPosition: options.onPosition });
  handlers.current = { onEntry, onPosition: options.onPosition };
  useEffect(() => {
    const controller = new AbortController();
    void followStream({
      signal: controller.signal,
      open: (lastEventId, signal) =>
        apiFetch(`/api/v1/events/stream${query}`, {
          headers: { accept: 'text/event-stream', ...(lastEventId && { 'last-event-id': lastEventId }) },
          signal,
        }),
      onPosition: () => handlers.current.onPosition?.(),
      onEntry: (entry) => handlers.current.onEntry(entry as TimelineEntry),
      onState: setState,
    });
    return () => controller.abort();
  }, [query]);
  return state;
}

/**
 * Where the live updates are, in words, and the button that shows what arrived ("↑ 2 new requests").
 * `noun`: one and many ("request", "requests").
 */
export function LiveBar(props: {
  state: StreamState;
  count: number;
  noun: [string, string];
  onShow: () => void;
  /** Instead of "N new <noun>", when something other than new items is waiting (a decision made elsewhere). */
  label?: string;
}) {
  const { state, count, noun } = props;
  return (
    <div className="live-bar">
      <p className="live-status" role="status">
        {state.kind === 'failed' ? (
          <>Live updates are off: {state.error.message}</>
        ) : state.kind === 'live' ? (
          <>
            <span aria-hidden="true">● </span>Live: new {noun[1]} wait here until you show them.
          </>
        ) : state.kind === 'retrying' ? (
          <>{retryingText(state)}</>
        ) : (
          <>Connecting to live updates…</>
        )}
      </p>
      {count > 0 && (
        <button type="button" className="new-items" onClick={props.onShow}>
          <span aria-hidden="true">↑ </span>
          {props.label ?? `${count} new ${count === 1 ? noun[0] : noun[1]}`}
          <span className="visually-hidden">: show them</span>
        </button>
      )}
    </div>
  );
}

function retryingText(state: Extract<StreamState, { kind: 'retrying' }>): string {
  const seconds = Math.max(1, Math.round(state.inMs / 1000));
  if (state.error instanceof ApiError && state.error.status === 429)
    return `Too many live views are open for this tenant; trying again in ${seconds} s.`;
  return `Live updates dropped; reconnecting in ${seconds} s.`;
}

/**
 * Calls `run` at most once per `everyMs`, `delayMs` after the call that asked (what signalled a change
 * may be ahead of the list that shows it), however many calls come meanwhile: for reading a list again
 * when a burst of entries arrives.
 */
export function useThrottled(run: () => void, { everyMs, delayMs = 0 }: { everyMs: number; delayMs?: number }) {
  const latest = useRef(run);
  latest.current = run;
  const state = useRef<{ last: number; timer: ReturnType<typeof setTimeout> | null }>({ last: 0, timer: null });
  useEffect(
    () => () => {
      if (state.current.timer) clearTimeout(state.current.timer);
    },
    [],
  );
  const [throttled] = useState(() => () => {
    const s = state.current;
    if (s.timer) return;
    const now = Date.now();
    const due = Math.max(now + delayMs, s.last + everyMs);
    s.timer = setTimeout(() => {
      s.timer = null;
      s.last = Date.now();
      latest.current();
    }, due - now);
  });
  return throttled;
}
