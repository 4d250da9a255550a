import { problem, ProblemException } from '@daalu/platform/http';
import { sleep } from '@daalu/platform/jetstream';

/** How long an answer waits for this replica's projection to apply what the request published. */
const APPLIED_WITHIN_MS = 5_000;
const POLL_MS = 10;

/**
 * Read-your-writes after a publish: reads until `applied` holds of what it reads (the projection has
 * applied the fact), then returns it. Past 5 s, a 503 `lagging` with `detail`: the fact is stored on
 * the log, only not readable here yet, so the client reads again rather than sends again.
 */
export async function readOnceApplied<T>(
  read: () => Promise<T | null | undefined>,
  applied: (value: T) => boolean,
  detail: string,
): Promise<T> {
  const deadline = Date.now() + APPLIED_WITHIN_MS;
  for (;;) {
    const value = await read();
    if (value != null && applied(value)) return value;
    if (Date.now() > deadline) {
      throw new ProblemException(problem(503, 'lagging', 'Service unavailable', detail), { 'Retry-After': '1' });
    }
    await sleep(POLL_MS);
  }
}
