import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
// docs/openapi.json is a file, not a project: imported so that the build copies it to dist/docs/ (which
// the image carries) and the origin finds it beside itself, in the source tree and in dist alike.
// eslint-disable-next-line @nx/enforce-module-boundaries
import openapiDocument from '../../../docs/openapi.json';

/**
 * The public API's reference, served by the origin itself:
 *  - `GET /api/openapi.json`: the OpenAPI 3.1 document (docs/openapi.json, generated from the code by
 *    `npm run openapi`; imported here, so the build copies it to dist/docs/ with the origin);
 *  - `GET /api/docs`: Swagger UI on that document, from the swagger-ui-dist package installed with the
 *    origin (no CDN), under the console's Content-Security-Policy: scripts from this origin only, none inline.
 */
export const OPENAPI_PATH = '/api/openapi.json';
export const DOCS_PATH = '/api/docs';

/** As the console's pages: this origin's scripts only, never framed, no referrer. Swagger UI sets inline styles. */
export const DOCS_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Daalu webhooks API</title>
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" />
    <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${DOCS_PATH}/init.js"></script>
  </body>
</html>
`;

/** Swagger UI's start, a file of its own (the CSP allows no inline script). */
const INIT_JS = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(OPENAPI_PATH)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  validatorUrl: null,
});
`;

/** The files of swagger-ui-dist the page uses (nothing else of the package is served). */
const UI_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

interface Asset {
  type: string;
  body: Buffer;
  etag: string;
  /** Text worth compressing: its compressed copies, made at the first request for it. */
  compressed?: Promise<{ br: Buffer; gzip: Buffer }>;
  compressible: boolean;
  security: boolean;
}

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** Adds the reference's routes to the origin (before its catch-all, which they take precedence over). */
export function registerApiReference(app: FastifyInstance): void {
  const uiDir = swaggerUiDir();
  const assets = new Map<string, Asset>([
    [OPENAPI_PATH, asset('application/json; charset=utf-8', Buffer.from(JSON.stringify(openapiDocument)), true, false)],
    [DOCS_PATH, asset('text/html; charset=utf-8', Buffer.from(INDEX_HTML), true, true)],
    [`${DOCS_PATH}/init.js`, asset('text/javascript; charset=utf-8', Buffer.from(INIT_JS), false, true)],
  ]);
  for (const [file, type] of Object.entries(UI_FILES)) {
    assets.set(`${DOCS_PATH}/${file}`, asset(type, readFileSync(join(uiDir, file)), !type.startsWith('image/'), true));
  }
  for (const [path, found] of assets) app.get(path, (request, reply) => send(request, reply, found));
}

function asset(type: string, body: Buffer, compressible: boolean, security: boolean): Asset {
  return {
    type,
    body,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    compressible,
    security,
  };
}

function swaggerUiDir(): string {
  return join(require.resolve('swagger-ui-dist/package.json'), '..');
}

async function send(request: FastifyRequest, reply: FastifyReply, found: Asset): Promise<FastifyReply> {
  void reply.header('content-type', found.type).header('cache-control', 'no-cache');
  if (found.security) void reply.headers(DOCS_SECURITY_HEADERS);
  if (found.compressible) void reply.header('vary', 'Accept-Encoding');
  const encoding = found.compressible ? preferredEncoding(request.headers['accept-encoding']) : 'identity';
  const etag = encoding === 'identity' ? found.etag : `${found.etag.slice(0, -1)}-${encoding}"`;
  void reply.header('etag', etag);
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  if (encoding === 'identity') return reply.send(found.body);
  found.compressed ??= Promise.all([
    brotli(found.body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9 } }),
    gzipped(found.body, { level: 9 }),
  ]).then(([br, gz]) => ({ br, gzip: gz }));
  const copies = await found.compressed;
  return reply.header('content-encoding', encoding).send(copies[encoding]);
}

/** br, else gzip, else identity: as the client's Accept-Encoding allows (`q=0` refuses one). */
function preferredEncoding(header: string | string[] | undefined): 'br' | 'gzip' | 'identity' {
  const accepted = new Map<string, number>();
  for (const part of [header ?? ''].flat().join(',').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(name, q ? Number(q.slice(2)) : 1);
  }
  const allowed = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (allowed('br')) return 'br';
  if (allowed('gzip')) return 'gzip';
  return 'identity';
}
