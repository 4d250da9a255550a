import { isWrongLastSequence, MessageTooLargeError } from '@daalu/platform/jetstream';
import { problem, ProblemException } from './problem';

/**
 * A failed publish of a fact as the API answers it:
 *  - 409 with `conflictDetail` when the aggregate changed since it was read (its expected last sequence
 *    did not hold);
 *  - 413 when the fact is larger than the log takes: retrying cannot help, so it is not a 5xx;
 *  - else 503 with Retry-After: the log is not available.
 */
export function publishFailureProblem(error: unknown, conflictDetail: string): ProblemException {
  if (isWrongLastSequence(error)) return new ProblemException(problem(409, 'conflict', 'Conflict', conflictDetail));
  if (error instanceof MessageTooLargeError) return tooLargeForLogProblem(error);
  return new ProblemException(problem(503, 'unavailable', 'Service unavailable', 'the event log is not available'), {
    'Retry-After': '1',
  });
}

/** 413 for a request whose fact the log can never store (e.g. numbers like 1e20 written out in full). */
export function tooLargeForLogProblem(error: MessageTooLargeError): ProblemException {
  const sizes =
    error.bytes !== undefined && error.limit !== undefined
      ? `: stored, it would be ${error.bytes.toLocaleString('en')} bytes, over the event log's limit of ` +
        `${error.limit.toLocaleString('en')} bytes`
      : `: it is over the event log's largest message size`;
  return new ProblemException(
    problem(413, 'too-large-to-store', 'Payload too large', `the request cannot be stored${sizes}`),
  );
}
