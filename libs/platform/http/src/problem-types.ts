import { STATUS_CODES } from 'node:http';

/**
 * Where the kinds of problem are described: every problem document's `type` is `/problems/<slug>`, a
 * URI reference (RFC 9457 §3.1.1) that a client resolves against the URL it asked, so it names a page
 * the origin serves itself (`GET /problems/<slug>`, and `GET /problems/` for the list), wherever Daalu
 * runs. The pages are made from PROBLEM_TYPES below; a test fails when the code answers with a slug
 * that is not in it.
 */
export const PROBLEM_TYPE_BASE = '/problems/';

/** One kind of problem: what its page says. */
export interface ProblemType {
  slug: string;
  /** The `title` the problem documents of this kind carry. */
  title: string;
  /** The HTTP statuses it comes with (the first is the usual one). */
  statuses: readonly number[];
  /** What happened, in words. */
  meaning: string;
  /** What the client should do about it. */
  action: string;
  /** Headers worth reading on such an answer. */
  headers?: string;
}

const RETRY_LATER = 'Wait for `Retry-After` (seconds), then send the same request again.';

/** Every kind of problem the API answers with, besides the `http-<status>` family (problemType). */
export const PROBLEM_TYPES: readonly ProblemType[] = [
  {
    slug: 'already-decided',
    title: 'Already decided',
    statuses: [409],
    meaning: 'The change proposal was approved or rejected already: a proposal is decided once, and for good.',
    action: 'Read the proposal (`GET /api/v1/proposals/{id}`) to see its decision; propose again if needed.',
  },
  {
    slug: 'bad-gateway',
    title: 'Bad Gateway',
    statuses: [502],
    meaning:
      'An app behind the origin answered with something that is not HTTP. This is a bug, not an outage (an app that is down or slow is a 503).',
    action: 'Report it to whoever runs this Daalu, with the time of the request.',
  },
  {
    slug: 'bad-request',
    title: 'Bad request',
    statuses: [400],
    meaning:
      'The request could not be read or passed on: it is not valid HTTP, or it has something the HTTP stack refuses (`detail` says what).',
    action: 'Fix the request as `detail` says; sending it again unchanged gets the same answer.',
  },
  {
    slug: 'body-incomplete',
    title: 'Bad Request',
    statuses: [400],
    meaning: 'The body ended before it was complete (fewer bytes than its `Content-Length` said). Nothing was stored.',
    action: 'Send the request again with the whole body. The connection is closed.',
  },
  {
    slug: 'body-too-large',
    title: 'Payload too large',
    statuses: [413],
    meaning:
      'The body is larger than 1 MiB (1,048,576 bytes), the largest body on every route (`detail` names the limit in force; a NATS server that takes smaller messages lowers it). Nothing was stored.',
    action:
      'Send less: split events over several requests (a batch is 1 MiB in all too), or keep large data out of `payload`. The connection may be closed: open a new one.',
  },
  {
    slug: 'conflict',
    title: 'Conflict',
    statuses: [409],
    meaning:
      'What the request changes was changed by another request meanwhile (of two concurrent changes, one is stored), or it cannot be done in its present state (`detail` says which).',
    action: 'Read it again, then send the change again if it still applies.',
  },
  {
    slug: 'event-time-needed',
    title: 'Event time needed',
    statuses: [400],
    meaning:
      'The event id carries no time (an event posted with an `Idempotency-Key` has a derived id), so the log cannot be searched for it without one.',
    action: 'Give the event’s `receivedAt`, as the timeline shows it: `?at=2026-11-27T14:30:00.123Z`.',
  },
  {
    slug: 'headers-too-large',
    title: 'Request Header Fields Too Large',
    statuses: [431],
    meaning: 'The request headers are larger than the origin reads.',
    action: 'Send fewer or shorter headers. The connection is closed.',
  },
  {
    slug: 'insufficient-scope',
    title: 'Forbidden',
    statuses: [403],
    meaning:
      'The API token is valid but lacks the scope this route needs (`detail` names it): `read` for reading, `write` for changes, `admin` for API tokens, the ingest key and signing secrets. Each scope includes the ones before it.',
    action: 'Use a token with that scope, or ask an admin of the tenant for one (`POST /api/v1/api-tokens`).',
    headers: 'WWW-Authenticate',
  },
  {
    slug: 'internal',
    title: 'Internal error',
    statuses: [500],
    meaning: 'The request failed for a reason of the server’s own. It was logged; the answer says no more.',
    action: 'Retry later; if it persists, report it to whoever runs this Daalu, with the time of the request.',
  },
  {
    slug: 'invalid-batch',
    title: 'Invalid batch',
    statuses: [400],
    meaning: 'The body of `POST /api/v1/events/batch` is not a JSON array of 1 to 1,000 events.',
    action: 'Send an array of 1 to 1,000 event envelopes; more go in further batches.',
  },
  {
    slug: 'invalid-body',
    title: 'Invalid body',
    statuses: [400],
    meaning:
      'The JSON body is not what the route takes: not an object, an invalid or unknown field, text that cannot be stored (a NUL, a lone surrogate), or nested more than 64 deep. `errors` names every offending field (`[{field, message}]`).',
    action: 'Fix each field `errors` names and send it again.',
  },
  {
    slug: 'invalid-event',
    title: 'Invalid event',
    statuses: [400],
    meaning:
      'The body of `POST /api/v1/events` (or an item of a batch) is not a valid event envelope. `errors` names every offending field: `type`, `source` and `summary` are required, `severity` is `info`, `warning` or `critical`, `payload` is an object.',
    action: 'Fix each field `errors` names and send the event again. Nothing was stored.',
  },
  {
    slug: 'invalid-id',
    title: 'Invalid id',
    statuses: [400],
    meaning: 'The id in the path is not one an event can have: not a UUID, or a UUIDv7 stamped in the future.',
    action: 'Use the `id` that `POST /api/v1/events` answered or the timeline shows.',
  },
  {
    slug: 'invalid-idempotency-key',
    title: 'Invalid Idempotency-Key',
    statuses: [400],
    meaning: 'The `Idempotency-Key` header is not 1 to 255 characters.',
    action: 'Send a key of 1 to 255 characters (a UUID is a good one), or none.',
  },
  {
    slug: 'invalid-ingest-key',
    title: 'Unauthorized',
    statuses: [401],
    meaning:
      'The `X-Daalu-Key` header is missing, wrong, mistyped or expired (a rotated-out key works for its grace period only). The answer is the same for each, so it says nothing about which.',
    action:
      'Send the tenant’s current ingest key (`dik_…`) in `X-Daalu-Key`. A lost key cannot be shown again: rotate it (`POST /api/v1/ingest-key/rotate`).',
  },
  {
    slug: 'invalid-last-event-id',
    title: 'Invalid Last-Event-ID',
    statuses: [400],
    meaning: 'The `Last-Event-ID` header of the live stream is not a non-negative integer (a log position).',
    action: 'Send the last `id` the stream gave, as given, or no header to start from now.',
  },
  {
    slug: 'invalid-query',
    title: 'Invalid query',
    statuses: [400],
    meaning:
      'A query parameter is invalid, unknown (a misspelt one is an error, not ignored), repeated where it may appear once, or not valid %-encoding of UTF-8. `errors` names every one (`[{field, message}]`).',
    action: 'Fix each parameter `errors` names; send a literal `%` as `%25`.',
  },
  {
    slug: 'lagging',
    title: 'Service unavailable',
    statuses: [503],
    meaning: 'The change was stored on the log, but the server that answered cannot read it back yet.',
    action:
      'Read it again shortly (after `Retry-After`). Do not send a creation again: it was stored, and a second one would be another proposal.',
    headers: 'Retry-After',
  },
  {
    slug: 'last-admin-token',
    title: 'Conflict',
    statuses: [409],
    meaning: 'This would revoke the tenant’s last `admin` token, after which nobody could manage its tokens or keys.',
    action: 'Create another `admin` token first, then revoke this one.',
  },
  {
    slug: 'log-unavailable',
    title: 'Service unavailable',
    statuses: [503],
    meaning:
      'The event log did not store the event in time (1 s by default), or NATS is unreachable. The event is not known to be stored: never a 202 for an event that is not.',
    action: `${RETRY_LATER} With an \`Idempotency-Key\`, a retry never stores the event twice.`,
    headers: 'Retry-After',
  },
  {
    slug: 'malformed-json',
    title: 'Malformed JSON',
    statuses: [400],
    meaning:
      'The body is not JSON, or has a `__proto__` or `constructor` key (refused, so no object’s prototype can be changed).',
    action: 'Send valid JSON (`detail` says where it breaks).',
  },
  {
    slug: 'not-found',
    title: 'Not found',
    statuses: [404],
    meaning:
      'Nothing is there for the caller: no such path, or no such tenant, rule, proposal, webhook, delivery or event in the caller’s own tenant (another tenant’s ids are 404 too).',
    action: 'Check the path and the id.',
  },
  {
    slug: 'origin-error',
    title: 'Error',
    statuses: [400, 500],
    meaning:
      'The origin itself could not handle the request (the title is the status’s name; `detail` says why for a 4xx).',
    action: 'For a 4xx, fix the request as `detail` says. For a 5xx, retry; if it persists, report it.',
  },
  {
    slug: 'overloaded',
    title: 'Service Unavailable',
    statuses: [503],
    meaning:
      'The origin has as many requests (or open event streams) in flight as it takes, from this client or from all clients together; `detail` names the cap. Nothing was passed on.',
    action: `${RETRY_LATER} Keep fewer requests in flight at once.`,
    headers: 'Retry-After',
  },
  {
    slug: 'query-timeout',
    title: 'Query took too long',
    statuses: [503],
    meaning:
      'Counting what the request asked for took longer than the server allows (5 s) and was stopped, so that one wide, loosely filtered query cannot hold the database every tenant shares (`GET /api/v1/events/histogram` over a long range of many entries). Nothing is wrong with the server.',
    action:
      'Narrow the range (`since`, `until`) or add filters (`type`, `source`, `severity` …), then ask again: the same request is likely to take as long again.',
  },
  {
    slug: 'rate-limited',
    title: 'Too many requests',
    statuses: [429],
    meaning:
      'The ingest key is over its tenant’s limit (10 POSTs a second with a burst of 10, unless an operator set another). Nothing was read or stored.',
    action:
      'Wait for `Retry-After`, then send again; `RateLimit` and `RateLimit-Policy` say how much is left. Send many events in one `POST /api/v1/events/batch` (it counts once).',
    headers: 'Retry-After, RateLimit, RateLimit-Policy',
  },
  {
    slug: 'request-timeout',
    title: 'Request Timeout',
    statuses: [408],
    meaning: 'The request (headers and body) did not arrive within the origin’s limit (10 s by default).',
    action: 'Send the request again, whole and at once. The connection is closed.',
  },
  {
    slug: 'shutting-down',
    title: 'Service unavailable',
    statuses: [503],
    meaning: 'The server that answered is shutting down (another one, or this one restarted, answers).',
    action: RETRY_LATER,
    headers: 'Retry-After',
  },
  {
    slug: 'starting',
    title: 'Service unavailable',
    statuses: [503],
    meaning:
      'The server that answered has just started and has not loaded every key and token yet, so it cannot yet tell whether yours is valid (a valid one is never refused with a 401 for this).',
    action: RETRY_LATER,
    headers: 'Retry-After',
  },
  {
    slug: 'tenant-suspended',
    title: 'Forbidden',
    statuses: [403],
    meaning:
      'The tenant is suspended by the operator: its ingest key and its API tokens are refused until it is resumed. Nothing was stored; nothing of the tenant is deleted.',
    action: 'Contact whoever runs this Daalu. Retrying does not help until the tenant is resumed.',
  },
  {
    slug: 'too-large-to-store',
    title: 'Payload too large',
    statuses: [413],
    meaning:
      'The body is within 1 MiB, but what would be stored from it is larger than the event log takes (numbers such as `1e20` are written out in full when stored). Retrying cannot help.',
    action: 'Send less, or write large numbers as strings.',
  },
  {
    slug: 'too-many-rules',
    title: 'Too many rules',
    statuses: [409],
    meaning: 'The tenant has 1,000 alert rules already, the most a tenant may have.',
    action: 'Delete rules it no longer needs, or fold several into one with `groupBy`.',
  },
  {
    slug: 'too-many-streams',
    title: 'Too many streams',
    statuses: [429],
    meaning: 'The tenant already has 20 live timeline streams open on the server that answered.',
    action: 'Close a stream first, or wait for `Retry-After` and try again.',
    headers: 'Retry-After',
  },
  {
    slug: 'unauthorized',
    title: 'Unauthorized',
    statuses: [401],
    meaning:
      'The `Authorization: Bearer` token is missing, malformed, unknown, revoked or expired: a tenant API token (`dat_…`) on the tenant API, the operator token on the operator routes.',
    action: 'Send a valid token in `Authorization: Bearer <token>`.',
    headers: 'WWW-Authenticate',
  },
  {
    slug: 'unavailable',
    title: 'Service unavailable',
    statuses: [503],
    meaning: 'The event log did not store the change, so nothing changed.',
    action: RETRY_LATER,
    headers: 'Retry-After',
  },
  {
    slug: 'unsupported-media-type',
    title: 'Unsupported media type',
    statuses: [415],
    meaning: 'The body is not `application/json`.',
    action: 'Send the body as JSON, with `Content-Type: application/json`.',
  },
  {
    slug: 'upstream-timeout',
    title: 'Service Unavailable',
    statuses: [503],
    meaning:
      'The app behind the origin did not start answering in time (30 s by default). To a client, a slow app and a restarting one are the same: an outage to wait out.',
    action: RETRY_LATER,
    headers: 'Retry-After',
  },
  {
    slug: 'upstream-unavailable',
    title: 'Service Unavailable',
    statuses: [503],
    meaning:
      'The app behind the origin that serves this path is not answering: it is down or restarting (`detail` names it).',
    action: RETRY_LATER,
    headers: 'Retry-After',
  },
];

const BY_SLUG = new Map(PROBLEM_TYPES.map((type) => [type.slug, type]));

/** The `http-<status>` family: an HTTP error raised by the web framework itself, named by its status. */
const HTTP_FAMILY = /^http-([45]\d\d)$/;

/** Every `http-<status>` slug there is a page for: each 4xx and 5xx status HTTP names. */
export const HTTP_STATUS_SLUGS: readonly string[] = Object.keys(STATUS_CODES)
  .map(Number)
  .filter((status) => status >= 400 && status <= 599)
  .map((status) => `http-${status}`);

/** The kind of problem a slug names, or undefined when there is none. */
export function problemType(slug: string): ProblemType | undefined {
  const found = BY_SLUG.get(slug);
  if (found) return found;
  const status = HTTP_FAMILY.exec(slug)?.[1];
  const name = status ? STATUS_CODES[Number(status)] : undefined;
  if (!status || !name) return undefined;
  return {
    slug,
    title: name.toLowerCase(),
    statuses: [Number(status)],
    meaning: `An HTTP ${status} (${name}) raised by the web framework itself, such as a path parameter that is not a UUID (400) or a path no route serves (404); \`detail\` says what.`,
    action: Number(status) < 500 ? 'Fix the request as `detail` says.' : 'Retry later; if it persists, report it.',
  };
}
