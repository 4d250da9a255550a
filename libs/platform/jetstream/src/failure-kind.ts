import { MessageTooLargeError } from './jetstream-publisher';

/**
 * Sorts a consumer's failures into the two kinds the poison policy treats differently:
 *  - transient: the infrastructure is (briefly) unavailable (PostgreSQL restarting, a dropped connection,
 *    a NATS timeout). Retrying the same work later succeeds, so it is retried, with backoff, forever;
 *  - everything else: the message itself cannot be applied (PostgreSQL refuses its data, the code throws
 *    on it). Retrying it would only stop the whole stream behind it, so it is isolated and set aside.
 */
export function isTransientError(error: unknown): boolean {
  if (error instanceof MessageTooLargeError) return false; // the same message is refused the same way
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    const { code, name, message } = cause as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string') {
      // PostgreSQL SQLSTATE classes: 08 connection, 40 rollback (serialization, deadlock), 53 resources,
      // 55 object in use (lock timeout), 57 operator intervention (shutdown, cancel), 58 system I/O.
      if (/^(08|40|53|55|57|58)[0-9A-Z]{3}$/.test(code)) return true;
      if (NODE_NETWORK_CODES.has(code)) return true;
      // NATS client errors (TIMEOUT, CONNECTION_CLOSED, 503 no responders, ...).
      if (/^(TIMEOUT|CONNECTION_|DISCONNECT|503|408)/.test(code)) return true;
    }
    if (typeof name === 'string' && TRANSIENT_NAMES.has(name)) return true;
    if (typeof message === 'string' && TRANSIENT_MESSAGES.some((pattern) => pattern.test(message))) return true;
    cause = (cause as { driverError?: unknown; cause?: unknown }).driverError ?? (cause as { cause?: unknown }).cause;
  }
  return false;
}

const NODE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const TRANSIENT_NAMES = new Set(['TimeoutError', 'ConnectionError', 'RequestError', 'ClosedConnectionError']);

const TRANSIENT_MESSAGES = [
  /Connection terminated/i,
  /connection (is )?closed/i,
  /Client has encountered a connection error/i,
  /timeout exceeded when trying to connect/i,
  /Query read timeout/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /\bTIMEOUT\b/,
  /no responders/i,
  /disconnect/i,
];
