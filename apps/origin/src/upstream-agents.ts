import { Agent, type Dispatcher } from 'undici';
import { SSE_UPSTREAM_SILENCE_MS, isStreamRequest } from './limits';

export interface UpstreamBudgets {
  /** Connections per app for ordinary requests (the origin's total request cap: an admitted request never waits). */
  requests: number;
  /** Connections per app for event streams (the origin's total stream cap). */
  streams: number;
  /** How long an app has to start answering, and between two pieces of an ordinary answer. */
  timeoutMs: number;
}

/**
 * The origin's connections to the apps, in two pools that cannot take from each other: one for
 * ordinary requests and one for event streams (which hold a connection for as long as they are
 * open). Each pool is as large as the origin's total cap for its kind, so a request the origin has
 * admitted never queues behind others for a connection; the caps (Admission) refuse the rest.
 */
export class UpstreamAgents {
  readonly requests: Agent;
  readonly streams: Agent;

  constructor(budgets: UpstreamBudgets) {
    const common = { pipelining: 1, connect: { timeout: 5_000 }, keepAliveTimeout: 4_000 };
    this.requests = new Agent({
      ...common,
      connections: budgets.requests,
      headersTimeout: budgets.timeoutMs,
      bodyTimeout: budgets.timeoutMs,
    });
    this.streams = new Agent({
      ...common,
      connections: budgets.streams,
      headersTimeout: budgets.timeoutMs,
      // A stream is quiet between events; its heartbeat (every 15 s) shows the app is still there.
      bodyTimeout: SSE_UPSTREAM_SILENCE_MS,
    });
  }

  /** A dispatcher for @fastify/reply-from: each request goes to its kind's pool. */
  router(): { request: Dispatcher['request'] } {
    const pick = (options: Dispatcher.RequestOptions) =>
      isStreamRequest(options.method, options.path) ? this.streams : this.requests;
    // reply-from always passes a callback; the cast keeps Dispatcher's overloads out of the way.
    const request = (options: Dispatcher.RequestOptions, callback: never) => pick(options).request(options, callback);
    return { request: request as unknown as Dispatcher['request'] };
  }

  async close(): Promise<void> {
    await Promise.all([this.requests.destroy(), this.streams.destroy()]);
  }
}
