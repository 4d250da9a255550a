import { isWrongLastSequence } from '@daalu/platform/jetstream';
import { problem, ProblemException } from './problem';

/**
 * A failed publish of a fact as the API answers it: 409 with `conflictDetail` when the aggregate changed
 * since it was read (its expected last sequence did not hold), else 503: the log is not available.
 */
export function publishFailureProblem(error: unknown, conflictDetail: string): ProblemException {
  if (isWrongLastSequence(error)) return new ProblemException(problem(409, 'conflict', 'Conflict', conflictDetail));
  return new ProblemException(problem(503, 'unavailable', 'Service unavailable', 'the event log is not available'), {
    'Retry-After': '1',
  });
}
