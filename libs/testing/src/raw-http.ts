import { request as httpRequest } from 'node:http';

/** An answer as a hostile-input test reads it: the status, the media type and the JSON body (or {}). */
export interface RawAnswer {
  status: number;
  contentType: string;
  body: { errors?: Array<{ field: string; message: string }>; items?: unknown[]; [key: string]: unknown };
}

/**
 * One request whose path and query go byte for byte as written (fetch would re-encode `%ZZ` or a raw
 * `%`), for tests of what an attacker sends. An event stream (200 text/event-stream) is answered by its
 * status alone and closed.
 */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        const contentType = String(res.headers['content-type'] ?? '');
        if (res.statusCode === 200 && contentType.includes('text/event-stream')) {
          res.destroy();
          resolve({ status: 200, contentType, body: {} });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            contentType,
            body: text ? (JSON.parse(text) as RawAnswer['body']) : {},
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `{"a":[[[ … ]]]}`: JSON text `levels` objects and arrays deep in all. */
export const nestedJson = (levels: number): string => `{"a":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
