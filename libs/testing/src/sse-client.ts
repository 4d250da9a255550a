/** One Server-Sent Event as received. */
export interface ReceivedEvent {
  id?: string;
  event?: string;
  data: string;
}

/**
 * A minimal SSE client over fetch (EventSource cannot send an Authorization header): collects events
 * as they arrive until `close()`.
 */
export class SseClient {
  readonly events: ReceivedEvent[] = [];
  /** As EventSource keeps it: the last `id` the server sent, with or without data. */
  lastEventId?: string;
  readonly status: Promise<number>;
  private readonly abort = new AbortController();
  private done?: Promise<void>;

  constructor(url: string, headers: Record<string, string>) {
    const response = fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: this.abort.signal });
    this.status = response.then((r) => r.status);
    this.done = response.then((r) => this.read(r)).catch(() => undefined);
  }

  /** The `data` of every event so far, parsed as JSON. */
  data<T>(): T[] {
    return this.events.map((event) => JSON.parse(event.data) as T);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  private async read(response: Response): Promise<void> {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: ReceivedEvent = { data: '' };
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon === -1 ? line : line.slice(0, colon);
          const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'id') {
            event.id = value;
            this.lastEventId = value;
          } else if (field === 'event') event.event = value;
          else if (field === 'data') data.push(value);
        }
        if (data.length > 0) {
          event.data = data.join('\n');
          this.events.push(event);
        }
      }
    }
  }
}
