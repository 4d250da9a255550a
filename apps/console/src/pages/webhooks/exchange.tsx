import type { ReactNode } from 'react';
import { CopyButton } from '../../ui/copy-button';
import { JsonView } from '../../ui/json-view';

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  207: 'Multi-Status',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** An HTTP status as text and icon (✓ for 2xx, ✕ otherwise); the colour repeats the words. */
export function HttpStatus({ code }: { code: number | null | undefined }) {
  if (code === null || code === undefined) {
    return (
      <span className="status status-failed">
        <span aria-hidden="true">✕ </span>no answer
      </span>
    );
  }
  const ok = code >= 200 && code < 300;
  return (
    <span className={`status ${ok ? 'status-succeeded' : 'status-failed'}`}>
      <span aria-hidden="true">{ok ? '✓' : '✕'} </span>
      {code} {REASONS[code] ?? ''}
    </span>
  );
}

/** Headers as a two-column table, named for screen readers. */
export function HeadersTable({ headers, caption }: { headers: Record<string, string>; caption: string }) {
  const entries = Object.entries(headers);
  return (
    <table className="headers-table table-stack">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Header</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {entries.length === 0 && (
          <tr>
            <td colSpan={2}>none</td>
          </tr>
        )}
        {entries.map(([name, value]) => (
          <tr key={name}>
            <td data-label="Header">
              <code>{name}</code>
            </td>
            <td data-label="Value">
              <code>{value}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A request and its response side by side (stacked on a phone): headers, bodies as received, and extra
 * actions (copy as curl). Its headings are h3: it sits in a section of the page (an h2).
 */
export function Exchange(props: {
  label: string;
  request: { headers: Record<string, string>; body: unknown; title?: ReactNode };
  response: { status: number; headers: Record<string, string>; body: unknown } | null;
  error?: string | null;
  actions?: ReactNode;
}) {
  return (
    <div className="exchange" role="group" aria-label={props.label}>
      <section className="exchange-side">
        <h3>Request {props.request.title}</h3>
        {props.actions && <div className="row">{props.actions}</div>}
        <HeadersTable headers={props.request.headers} caption="Request headers" />
        <JsonView value={props.request.body} label="Request body" />
      </section>
      <section className="exchange-side">
        <h3>
          Response <HttpStatus code={props.response?.status} />
        </h3>
        {props.error && <p className="field-error">{props.error}</p>}
        {props.response ? (
          <>
            <HeadersTable headers={props.response.headers} caption="Response headers" />
            <JsonView value={props.response.body} label="Response body" />
          </>
        ) : (
          <p className="help">No response was received.</p>
        )}
      </section>
    </div>
  );
}

/** A shell word in single quotes. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Headers worth repeating in a curl (the rest are the client's or the proxy's own). */
const CURL_HEADERS = /^(content-type|idempotency-key)$/i;

/**
 * A recorded ingest request as a curl command. The key is always the `$DAALU_KEY` placeholder (the
 * history holds only its prefix, and a real key must never end up in a copied command).
 */
export function curlOf(url: string, request: { headers: Record<string, string>; body: string }, method = 'POST') {
  const lines = [`curl -X ${method} ${quote(url)}`, `  -H "X-Daalu-Key: $DAALU_KEY"`];
  for (const [name, value] of Object.entries(request.headers)) {
    if (CURL_HEADERS.test(name)) lines.push(`  -H ${quote(`${name}: ${value}`)}`);
  }
  if (request.body) lines.push(`  --data-raw ${quote(request.body)}`);
  return lines.join(' \\\n');
}

export function CopyCurl({ command }: { command: string }) {
  return <CopyButton value={command} label="Copy as curl" />;
}
