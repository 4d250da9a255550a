import { createDaaluClient, type FieldError, type Problem } from '@daalu/client';
import { session } from '../auth/session';

/** An API answer that was not a success, read from its RFC 9457 problem document. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly fields: FieldError[],
    /** The problem's kind (`/problems/last-admin-token`…), when the answer named one. */
    readonly type?: string,
    /** On a 403 `/problems/insufficient-scope`: the scope the route needs. */
    readonly requiredScope?: string,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }

  /** Whether the problem is of this kind (`last-admin-token`, `insufficient-scope`…), whatever its base URL. */
  is(slug: string): boolean {
    return !!this.type && (this.type === `/problems/${slug}` || this.type.endsWith(`/problems/${slug}`));
  }

  /** The messages for one field (and its sub-fields), for showing next to it. */
  forField(field: string): string[] {
    return this.fields.filter((f) => f.field === field || f.field.startsWith(`${field}.`)).map((f) => f.message);
  }
}

/** Raised when the token is missing or no longer accepted: the app goes back to sign-in. */
export class SignedOutError extends ApiError {}

/**
 * The typed client of this origin's API (@daalu/client, generated from docs/openapi.json): paths are
 * relative (`/api/v1/...`) by design, so the session's token goes nowhere else, only in the
 * Authorization header, and no cookie goes with it. Its answers go through `data()`.
 */
export const daalu = createDaaluClient({
  baseUrl: '',
  apiToken: () => session.token() ?? undefined,
  credentials: 'omit',
  headers: { accept: 'application/json' },
  // As URLSearchParams writes them: the names encoded too (the timeline's `payload.<path>` conditions).
  querySerializer: (query) => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
      if (value !== undefined && value !== null) search.set(name, String(value));
    }
    return search.toString();
  },
});

/**
 * The data of a success (undefined for a 204), or the answer's problem thrown as an ApiError (a 401 as
 * SignedOutError): `data(daalu.GET('/api/v1/webhooks', { signal }))`.
 */
export async function data<Data>(answer: Promise<{ data?: Data; error?: unknown; response: Response }>): Promise<Data> {
  const { data, error, response } = await answer;
  if (!response.ok) throw apiError(response.status, error);
  return data as Data;
}

/**
 * Sends a request to this origin's API with the session's token, and gives the raw answer: the live
 * timeline reads its body as a stream. The same rules as `daalu`: an API path, the token only in the
 * Authorization header, no cookie.
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

/** A non-2xx answer as an ApiError, from its RFC 9457 problem document (a 401 as SignedOutError). */
export async function problemOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  return apiError(response.status, text ? safeJson(text) : undefined);
}

/** The ApiError of a status and its body: a problem document, or whatever came instead. */
function apiError(status: number, body: unknown): ApiError {
  const problem: Partial<Problem> =
    typeof body === 'string' ? { title: body.slice(0, 200) } : body && typeof body === 'object' ? body : {};
  const Kind = status === 401 ? SignedOutError : ApiError;
  return new Kind(
    status,
    problem.title || `Request failed (${status})`,
    problem.detail,
    Array.isArray(problem.errors) ? problem.errors : [],
    typeof problem.type === 'string' ? problem.type : undefined,
    typeof problem.requiredScope === 'string' ? problem.requiredScope : undefined,
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { title: text.slice(0, 200) };
  }
}
