/**
 * The largest request body the origin passes on: 1 MiB (1,048,576 bytes), the gateway's own limit for
 * POST /api/v1/events and /api/v1/events/batch (INGEST_BODY_LIMIT) and every other app's body limit.
 * A body of exactly this size goes through; one byte more is a 413 from the origin itself.
 */
export const ORIGIN_BODY_LIMIT = 1024 * 1024;

/** What a 503 (an app down, restarting, slow, or the origin at a cap) tells the client to wait, in seconds. */
export const RETRY_AFTER_SECONDS = 1;

/** The timeline's event stream sends a heartbeat this often (timeline-stream.ts). */
export const SSE_HEARTBEAT_MS = 15_000;

/** An event stream whose app sends nothing (not even a heartbeat) for this long is ended. */
export const SSE_UPSTREAM_SILENCE_MS = 4 * SSE_HEARTBEAT_MS;

/** The long-lived Server-Sent Events paths: they have their own caps and their own connection pool. */
const STREAM_PATHS = ['/api/v1/events/stream'];

/** Whether a request opens an event stream (GET or HEAD on a stream path or below it, any query). */
export function isStreamRequest(method: string, url: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return STREAM_PATHS.some((stream) => path === stream || path.startsWith(`${stream}/`));
}
