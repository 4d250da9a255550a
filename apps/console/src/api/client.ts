import { session } from '../auth/session';

/** One offending field of a 400, as the API names it. */
export interface FieldError {
  field: string;
  message: string;
}

/** An API answer that was not a success, read from its RFC 9457 problem document. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly fields: FieldError[],
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }

  /** The messages for one field (and its sub-fields), for showing next to it. */
  forField(field: string): string[] {
    return this.fields.filter((f) => f.field === field || f.field.startsWith(`${field}.`)).map((f) => f.message);
  }
}

/** Raised when the token is missing or no longer accepted: the app goes back to sign-in. */
export class SignedOutError extends ApiError {}

/**
 * Sends a request to this origin's API with the session's token, and gives the raw answer (the live
 * timeline reads its body as a stream). Paths are relative (`/api/v1/...`) by design: the token never
 * goes anywhere else, only in the Authorization header, and no cookie goes with it.
 */
export function apiFetch(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {},
): Promise<Response> {
  if (!path.startsWith('/api/')) throw new Error(`not an API path: ${path}`);
  const token = session.token();
  const headers: Record<string, string> = { ...init.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body,
    signal: init.signal,
    credentials: 'omit',
  });
}

/**
 * Calls this origin's API (see apiFetch) and reads the JSON answer. A non-2xx answer becomes an
 * ApiError with the problem's words.
 */
export async function api<T>(
  path: string,
  init: { method?: string; json?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const response = await apiFetch(path, {
    method: init.method,
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
    signal: init.signal,
  });
  if (response.status === 204) return undefined as T;
  if (!response.ok) throw await problemOf(response);
  const text = await response.text();
  return (text ? safeJson(text) : undefined) as T;
}

/** A non-2xx answer as an ApiError, from its RFC 9457 problem document (a 401 as SignedOutError). */
export async function problemOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  const problem = ((text ? safeJson(text) : undefined) ?? {}) as {
    title?: string;
    detail?: string;
    errors?: FieldError[];
  };
  const Kind = response.status === 401 ? SignedOutError : ApiError;
  return new Kind(
    response.status,
    problem.title ?? `Request failed (${response.status})`,
    problem.detail,
    Array.isArray(problem.errors) ? problem.errors : [],
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { title: text.slice(0, 200) };
  }
}
