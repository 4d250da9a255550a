import type { FastifyReply } from 'fastify';
import type { Logger } from '@daalu/platform/observability';
import type { TimelineReader } from '@daalu/timeline/data-access';
import type { TimelineFilter } from '@daalu/timeline/domain';

const PAGE = 500;
const HEARTBEAT_MS = 15_000;
/** Even without a notification, look again this often (a lost notification costs at most this). */
const SAFETY_POLL_MS = 5_000;

/**
 * One live SSE connection: sends what follows `position` on the tenant's timeline, in log order, each
 * time it is woken, never two reads at once, and waits for the socket to drain before reading more.
 */
export class TimelineStream {
  private reading = false;
  /** The position the client was last told (as an event id). */
  private announced = 0;
  private again = false;
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  private onClose?: () => void;

  constructor(
    private readonly reply: FastifyReply,
    private readonly reader: TimelineReader,
    readonly tenantId: string,
    private readonly filter: TimelineFilter,
    private position: number,
    private readonly logger: Logger,
  ) {}

  start(onClose: () => void): void {
    this.onClose = onClose;
    const res = this.reply.raw;
    this.reply.hijack();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // An id with no data moves the client's Last-Event-ID without an event (EventSource does the same).
    res.write(`retry: 2000\nid: ${this.position}\n\n`);
    this.announced = this.position;
    res.on('close', () => this.end());
    this.timers.push(setInterval(() => this.heartbeat(), HEARTBEAT_MS));
    this.timers.push(setInterval(() => this.wake(), SAFETY_POLL_MS));
    this.wake();
  }

  wake(): void {
    if (this.closed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    void this.read();
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    if (!this.reply.raw.writableEnded) this.reply.raw.end();
    this.onClose?.();
  }

  private async read(): Promise<void> {
    this.reading = true;
    try {
      do {
        this.again = false;
        for (;;) {
          // Read before the entries: everything up to it is visible to the query that follows.
          const applied = await this.reader.appliedSequence();
          const entries = await this.reader.after(this.tenantId, this.filter, this.position, PAGE);
          for (const entry of entries) {
            if (this.closed) return;
            this.position = this.announced = entry.sequence;
            const drained = this.write(`id: ${entry.sequence}\nevent: entry\ndata: ${JSON.stringify(entry)}\n\n`);
            if (!drained) await this.drainedOrClosed();
          }
          if (this.closed) break;
          if (entries.length < PAGE) {
            // Nothing else matches up to `applied`: skip past it, so the next read does not scan the
            // tenant's non-matching entries again (a rare filter on a busy tenant).
            this.position = Math.max(this.position, applied);
            break;
          }
        }
      } while (this.again && !this.closed);
    } catch (error) {
      this.logger.warn({ err: error, tenantId: this.tenantId }, 'timeline stream read failed; ending it');
      this.end();
    } finally {
      this.reading = false;
    }
  }

  /** Every 15 s: the position if it moved without an entry (so a resume skips what did not match), else a comment. */
  private heartbeat(): void {
    if (this.position !== this.announced) {
      this.announced = this.position;
      this.write(`id: ${this.position}\n\n`);
    } else {
      this.write(': keep-alive\n\n');
    }
  }

  private drainedOrClosed(): Promise<void> {
    const res = this.reply.raw;
    return new Promise((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.once('drain', done);
      res.once('close', done);
    });
  }

  private write(text: string): boolean {
    if (this.closed) return true;
    return this.reply.raw.write(text);
  }
}
