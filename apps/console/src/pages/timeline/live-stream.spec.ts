import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../../api/client';
import { followStream, SseParser, type StreamState } from './live-stream';

describe('SseParser', () => {
  it('reads the stream as the timeline sends it: a position, entries, keep-alives', () => {
    const parser = new SseParser();
    const text =
      'retry: 2000\nid: 4182\n\n' +
      'id: 4183\nevent: entry\ndata: {"id":"a","sequence":4183}\n\n' +
      ': keep-alive\n\n' +
      'id: 4190\n\n';
    expect(parser.feed(text)).toEqual([
      { event: 'message', data: '', id: '4182', retry: 2000 },
      { event: 'entry', data: '{"id":"a","sequence":4183}', id: '4183' },
      { event: 'message', data: '', id: '4190' },
    ]);
  });

  it('takes chunks cut anywhere, CRLF, CR or LF line ends, and joins data lines', () => {
    const text = 'event: entry\r\ndata:first\r\ndata: second\r\rid: 7\r\n\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new SseParser();
      const messages = [...parser.feed(text.slice(0, cut)), ...parser.feed(text.slice(cut))];
      expect(messages).toEqual([
        { event: 'entry', data: 'first\nsecond' },
        { event: 'message', data: '', id: '7' },
      ]);
    }
  });

  it('ignores comments, unknown fields, a retry that is not a number, and an unfinished message', () => {
    const parser = new SseParser();
    expect(parser.feed(':hello\n\nfoo: bar\nretry: soon\n\nevent: entry\ndata: x\n')).toEqual([]);
    expect(parser.feed('\n')).toEqual([{ event: 'entry', data: 'x' }]);
  });
});

/** A stream answer whose body is these chunks, then (unless `hold`) its end. */
function streamResponse(chunks: string[], hold?: AbortSignal): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      if (!hold) controller.close();
      else hold.addEventListener('abort', () => controller.close());
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

describe('followStream', () => {
  it('resumes after a drop with Last-Event-ID, after the retry the server asked for', async () => {
    const stop = new AbortController();
    const asked: Array<string | undefined> = [];
    const waits: number[] = [];
    const entries: unknown[] = [];
    const positions: string[] = [];
    const answers = [
      () => streamResponse(['retry: 1500\nid: 10\n\n', 'id: 11\nevent: entry\ndata: {"id":"a"}\n\n']),
      () => {
        throw new TypeError('network error');
      },
      () => streamResponse(['id: 12\nevent: entry\ndata: {"id":"b"}\n\n'], stop.signal),
    ];
    await followStream({
      signal: stop.signal,
      open: async (lastEventId) => {
        asked.push(lastEventId);
        return answers[asked.length - 1]();
      },
      onEntry: (entry) => {
        entries.push(entry);
        if (entries.length === 2) stop.abort();
      },
      onPosition: (id) => positions.push(id),
      onState: () => undefined,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(asked).toEqual([undefined, '11', '11']);
    expect(waits).toEqual([1500, 1500]);
    expect(entries).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(positions).toEqual(['10']);
  });

  it('gives up on a 400, saying which field, and waits Retry-After on a 429', async () => {
    const states: StreamState[] = [];
    const waits: number[] = [];
    let calls = 0;
    await followStream({
      signal: new AbortController().signal,
      open: async () =>
        ++calls === 1
          ? new Response('{"title":"Too many streams"}', { status: 429, headers: { 'retry-after': '5' } })
          : new Response(
              JSON.stringify({ title: 'Invalid query', errors: [{ field: 'type', message: 'not alone' }] }),
              { status: 400, headers: { 'content-type': 'application/problem+json' } },
            ),
      onEntry: () => undefined,
      onState: (state) => states.push(state),
      sleep: async (ms) => void waits.push(ms),
    });
    expect(waits).toEqual([5000]);
    const last = states[states.length - 1];
    expect(last.kind).toBe('failed');
    const error = (last as { error: ApiError }).error;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.forField('type')).toEqual(['not alone']);
  });

  it('ends quietly when aborted while reading', async () => {
    const stop = new AbortController();
    const states: string[] = [];
    const done = followStream({
      signal: stop.signal,
      // A stream that never ends by itself: only the abort stops the read.
      open: async () => streamResponse(['id: 1\n\n'], new AbortController().signal),
      onEntry: () => undefined,
      onPosition: () => stop.abort(),
      onState: (state) => states.push(state.kind),
      sleep: async () => undefined,
    });
    await expect(done).resolves.toBeUndefined();
    expect(states).toEqual(['connecting', 'live']);
  });
});
