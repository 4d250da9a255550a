import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { AddressGuard } from '@daalu/outbound/domain';
import { sanitizeText, truncateUnits, truncateUtf8 } from '@daalu/shared/text';

/** A response header value kept, at most (UTF-16 units, cut between characters). */
const MAX_RESPONSE_HEADER_VALUE = 2048;

/** What one attempt to deliver came to. */
export interface AttemptOutcome {
  /** A 2xx answer: delivered. Anything else (another status, a redirect, no answer) failed. */
  delivered: boolean;
  status: number | null;
  headers: Record<string, string>;
  /** The response body, cut at the cap; like the headers, storable text whatever the receiver sent. */
  body: string;
  /** Why there was no answer (refused address, timeout, connection error). */
  error: string | null;
  retryAfter: string | undefined;
  durationMs: number;
}

export interface HttpSenderOptions {
  /** No answer within this is a failed attempt (connect, headers and body each). */
  timeoutMs: number;
  /** Response body kept for the history, at most. */
  maxResponseBytes: number;
}

/** A URL a webhook may not use, and why (a 400 at creation; a failed attempt at delivery). */
export class RefusedUrlError extends Error {}

/**
 * POSTs deliveries so that a webhook can never be turned against the network it runs in (SSRF):
 *  - every address a name resolves to is checked when the connection is made (not only when the
 *    webhook was saved: a name can resolve elsewhere by then, DNS rebinding), and IP literals before;
 *  - redirects are never followed (a 3xx is a failed attempt), so a receiver cannot bounce a delivery
 *    to 127.0.0.1;
 *  - a timeout on connecting, on the headers and on the body; the response body is read only up to
 *    the cap.
 */
export class HttpSender {
  private readonly agent: Agent;

  constructor(
    private readonly guard: AddressGuard,
    private readonly options: HttpSenderOptions,
  ) {
    this.agent = new Agent({
      connect: { lookup: this.checkedLookup, timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** Refuses a URL whose scheme is not http(s), or whose host resolves to an address not allowed. */
  async checkUrl(url: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new RefusedUrlError('not a URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new RefusedUrlError('only http and https');
    if (parsed.username || parsed.password) throw new RefusedUrlError('credentials go in a header, not the URL');
    const host = hostOf(parsed);
    const addresses = isIP(host)
      ? [host]
      : await resolveAll(host).catch(() => {
          throw new RefusedUrlError(`${host} does not resolve`);
        });
    for (const address of addresses) {
      const verdict = this.guard.check(address);
      if (!verdict.allowed) throw new RefusedUrlError(verdict.reason);
    }
  }

  /** POSTs once; `timeoutMs` (a webhook's own setting) bounds the headers and the body instead of the default. */
  async send(url: string, headers: Record<string, string>, body: string, timeoutMs?: number): Promise<AttemptOutcome> {
    const started = performance.now();
    const outcome = (partial: Partial<AttemptOutcome>): AttemptOutcome => ({
      delivered: false,
      status: null,
      headers: {},
      body: '',
      error: null,
      retryAfter: undefined,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...partial,
    });
    try {
      const host = hostOf(new URL(url));
      // A literal address is connected to without a lookup: check it here.
      if (isIP(host)) {
        const verdict = this.guard.check(host);
        if (!verdict.allowed) return outcome({ error: `refused: ${verdict.reason}` });
      }
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Daalu-Webhooks/1', ...headers },
        body,
        dispatcher: this.agent,
        ...(timeoutMs !== undefined ? { headersTimeout: timeoutMs, bodyTimeout: timeoutMs } : {}),
      });
      const text = await readCapped(response.body, this.options.maxResponseBytes);
      // What a receiver answers is recorded whatever it holds: a NUL, or bytes that are not UTF-8,
      // must not make the record impossible to store, so they are replaced, and cut between characters.
      const responseHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value === undefined) continue;
        const text = Array.isArray(value) ? value.join(', ') : value;
        responseHeaders[sanitizeText(name)] = sanitizeText(truncateUnits(text, MAX_RESPONSE_HEADER_VALUE));
      }
      return outcome({
        delivered: response.statusCode >= 200 && response.statusCode < 300,
        status: response.statusCode,
        headers: responseHeaders,
        body: text,
        retryAfter: responseHeaders['retry-after'],
      });
    } catch (error) {
      return outcome({ error: sanitizeText(describeError(error)) });
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  /** Nest calls this at shutdown: open connections to receivers are closed. */
  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  /** dns.lookup, refusing when any address of the name is not allowed (at connect time). */
  private readonly checkedLookup = (
    hostname: string,
    options: object,
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      for (const { address } of list) {
        const verdict = this.guard.check(address);
        if (!verdict.allowed) return callback(new RefusedUrlError(`refused: ${verdict.reason}`), []);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  };
}

function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (error, addresses) =>
      error ? reject(error) : resolve((addresses as LookupAddress[]).map((a) => a.address)),
    ),
  );
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy?(): void }, cap: number): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= cap) {
      body.destroy?.();
      break;
    }
  }
  // Decoded whole (a cut through a character would leave a replacement character), then cut at the
  // cap on a character boundary; NULs replaced (PostgreSQL stores no NUL in text).
  return truncateUtf8(sanitizeText(Buffer.concat(chunks).toString('utf8')), cap);
}

function describeError(error: unknown): string {
  const err = error as { code?: string; message?: string; cause?: { message?: string } };
  if (err instanceof RefusedUrlError || err?.message?.startsWith('refused:')) return err.message ?? 'refused';
  if (err?.cause?.message?.startsWith('refused:')) return err.cause.message;
  if (
    err?.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    err?.code === 'UND_ERR_BODY_TIMEOUT' ||
    err?.code === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return `timeout: no answer within the limit (${err.code})`;
  }
  return err?.code ? `${err.code}: ${err.message}` : String(err?.message ?? error);
}
