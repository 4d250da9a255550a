import { ApiError, problemOf } from '../../api/client';

/**
 * The live timeline (`GET /api/v1/events/stream`, Server-Sent Events) read with fetch. EventSource
 * cannot send an Authorization header, so this does what it would: parse the stream, remember the last
 * id, and after a drop reconnect with `Last-Event-ID` after the `retry` the server asked for.
 */

/** One message of the stream: what a blank line ends. */
export interface SseMessage {
  /** `event:`, or "message" when there was none. */
  event: string;
  /** The `data:` lines joined with newlines ("" when there were none). */
  data: string;
  /** The `id:` of this message, when it had one (an id alone is a position: nothing to show). */
  id?: string;
  /** `retry:` in ms, when this message had one. */
  retry?: number;
}

/**
 * The text/event-stream format (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
 * lines end with CRLF, LF or CR; `:` starts a comment (a keep-alive); `field: value` with one optional
 * space; a blank line ends a message. Feed it text as it arrives, in chunks cut anywhere.
 */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id?: string;
  private retry?: number;
  private fields = 0;

  feed(text: string): SseMessage[] {
    this.buffer += text;
    const messages: SseMessage[] = [];
    for (;;) {
      const end = this.buffer.search(/\r\n|\r|\n/);
      if (end === -1) break;
      // A CR at the very end may be the first half of a CRLF cut between chunks: wait for the next one.
      if (this.buffer[end] === '\r' && end === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(this.buffer.startsWith('\r\n', end) ? end + 2 : end + 1);
      const message = this.line(line);
      if (message) messages.push(message);
    }
    return messages;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    else return undefined; // an unknown field is ignored
    this.fields++;
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const message: SseMessage | undefined = this.fields
      ? {
          event: this.event || 'message',
          data: this.data.join('\n'),
          ...(this.id !== undefined && { id: this.id }),
          ...(this.retry !== undefined && { retry: this.retry }),
        }
      : undefined;
    this.event = '';
    this.data = [];
    this.id = undefined;
    this.retry = undefined;
    this.fields = 0;
    return message;
  }
}

/** Where the stream is, for the page to say in words. */
export type StreamState =
  | { kind: 'connecting' }
  | { kind: 'live' }
  /** Dropped (or never opened): trying again in `inMs`; `error` says why, when known. */
  | { kind: 'retrying'; inMs: number; error?: unknown }
  /** Given up: a 4xx that asking again will not fix (a bad filter, a token no longer accepted). */
  | { kind: 'failed'; error: ApiError };

export interface FollowOptions {
  /** Opens the stream, with `Last-Event-ID` when there is one to resume from. */
  open(lastEventId: string | undefined, signal: AbortSignal): Promise<Response>;
  /** Each `event: entry`'s data, parsed. */
  onEntry(entry: unknown): void;
  /** The stream's position is known (its first id): from here on nothing is missed. Once per follow. */
  onPosition?(id: string): void;
  onState(state: StreamState): void;
  /** Aborting ends the stream and the follow, quietly. */
  signal: AbortSignal;
  /** Until the server says otherwise with `retry:` (docs/timeline.md: 2000). */
  retryMs?: number;
  /** The wait between attempts (tests make it instant). */
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
}

/**
 * Follows the stream until aborted or refused for good (a 4xx other than 429): reads each answer to its
 * end, then reconnects from the last id after `retry` ms. A 429 waits its Retry-After.
 */
export async function followStream(options: FollowOptions): Promise<void> {
  const { signal } = options;
  const sleep = options.sleep ?? abortableSleep;
  let retryMs = options.retryMs ?? 2000;
  let lastEventId: string | undefined;
  let positioned = false;

  while (!signal.aborted) {
    options.onState({ kind: 'connecting' });
    let waitMs = retryMs;
    let error: unknown;
    try {
      const response = await options.open(lastEventId, signal);
      if (response.ok && response.body) {
        options.onState({ kind: 'live' });
        const parser = new SseParser();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        // Stop reading at once when aborted (a read would otherwise wait for the next keep-alive).
        const cancel = () => void reader.cancel().catch(() => undefined);
        signal.addEventListener('abort', cancel, { once: true });
        try {
          for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
            for (const message of parser.feed(chunk.value)) {
              if (message.retry !== undefined) retryMs = waitMs = message.retry;
              if (message.id !== undefined) {
                lastEventId = message.id;
                if (!positioned) {
                  positioned = true;
                  options.onPosition?.(message.id);
                }
              }
              if (message.event === 'entry' && message.data) {
                const entry = parseJson(message.data);
                if (entry !== undefined) options.onEntry(entry);
              }
            }
          }
        } finally {
          signal.removeEventListener('abort', cancel);
        }
        // The server ended the stream (a replica shutting down): reconnect and resume.
      } else {
        error = await problemOf(response);
        if (response.status === 429) waitMs = retryAfterMs(response) ?? retryMs;
        else if (response.status >= 400 && response.status < 500) {
          options.onState({ kind: 'failed', error: error as ApiError });
          return;
        }
      }
    } catch (caught) {
      if (signal.aborted) return;
      error = caught; // dropped mid-stream, or no answer at all: resume below
    }
    if (signal.aborted) return;
    options.onState({ kind: 'retrying', inMs: waitMs, error });
    await sleep(waitMs, signal);
  }
}

/** An entry that is not JSON is skipped (its id is passed, so a resume does not ask for it again). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
