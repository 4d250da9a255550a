import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

/**
 * The web console's headers: the page may load and call nothing but this origin (so the API token it
 * holds cannot be sent elsewhere), is never framed, and sends no referrer. Radix sets inline styles.
 */
export const CONSOLE_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/** A year, and never revalidated: the name changes whenever the content does. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Always revalidated (cheaply, with its ETag): index.html names the current hashed assets. */
export const REVALIDATE = 'no-cache';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};
/** Worth compressing: text. (Images and fonts are compressed already.) */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.txt', '.svg', '.ico']);
/** Smaller files gain too little from compression to be worth a second copy. */
const MIN_COMPRESS_BYTES = 256;
/** A Vite asset name: `<name>-<hash>.<ext>` (the hash is 8 base64url characters). */
const HASHED = /^\/assets\/(?:.*\/)?[^/]+-[A-Za-z0-9_-]{8,}\.[A-Za-z0-9]+$/;

type Encoding = 'br' | 'gzip' | 'identity';

interface Representation {
  body: Buffer;
  etag: string;
}

/** One console file, held in memory with its precompressed copies. */
export interface ConsoleAsset {
  type: string;
  cacheControl: string;
  /** Whether there are compressed copies (so the answer varies with Accept-Encoding). */
  negotiated: boolean;
  encodings: Partial<Record<Encoding, Representation>> & { identity: Representation };
}

export type ConsoleSender = (request: FastifyRequest, reply: FastifyReply, path: string) => FastifyReply;

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * Reads the built console (dist/apps/console) into memory once, with brotli and gzip copies of its
 * text files compressed at start (off the event loop), and serves it at `/`:
 *  - hashed assets (`/assets/*-<hash>.js|css`) are cached for a year, immutable;
 *  - index.html, for `/` and every other page path (the single-page app's router takes over), is
 *    revalidated on every load (`no-cache`, with an ETag: a 304 when it has not changed);
 *  - source maps are never served (404), whether or not the build wrote them;
 *  - each answer is brotli or gzip as the client's Accept-Encoding allows (`Vary: Accept-Encoding`).
 * Returns the sender for the origin's catch-all, or undefined when the console was not built.
 */
export async function consoleFiles(dir: string, logger: Logger): Promise<ConsoleSender | undefined> {
  if (!existsSync(join(dir, 'index.html'))) {
    logger.warn({ dir }, 'console not built (npm run build builds it): / answers 404');
    return undefined;
  }
  const assets = await loadConsole(dir);
  logger.info({ dir, files: assets.size }, 'console loaded and compressed');
  const index = assets.get('/index.html')!;
  return (request, reply, path) => {
    const asset = assetFor(assets, path);
    if (asset === 'not-found') {
      return reply
        .status(404)
        .type('application/problem+json')
        .send({ type: 'about:blank', title: 'Not Found', status: 404, detail: `no console file at ${path}` });
    }
    return sendAsset(request, reply, asset ?? index);
  };
}

/** Every file of the built console but source maps, keyed by its URL path. */
export async function loadConsole(dir: string): Promise<Map<string, ConsoleAsset>> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter(
    (entry) => entry.isFile() && !isSourceMap(entry.name),
  );
  const assets = new Map<string, ConsoleAsset>();
  await Promise.all(
    files.map(async (entry) => {
      const file = join(entry.parentPath ?? entry.path, entry.name);
      const path = `/${relative(dir, file).split(sep).join('/')}`;
      assets.set(path, await prepare(path, await readFile(file)));
    }),
  );
  return assets;
}

async function prepare(path: string, body: Buffer): Promise<ConsoleAsset> {
  const extension = extname(path).toLowerCase();
  const tag = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  const encodings: ConsoleAsset['encodings'] = { identity: { body, etag: `"${tag}"` } };
  if (COMPRESSIBLE.has(extension) && body.length >= MIN_COMPRESS_BYTES) {
    const [br, gz] = await Promise.all([
      brotli(body, {
        params: {
          [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
          [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
          [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      }),
      gzipped(body, { level: zlib.Z_BEST_COMPRESSION }),
    ]);
    if (br.length < body.length) encodings.br = { body: br, etag: `"${tag}-br"` };
    if (gz.length < body.length) encodings.gzip = { body: gz, etag: `"${tag}-gz"` };
  }
  return {
    type: TYPES[extension] ?? 'application/octet-stream',
    cacheControl: HASHED.test(path) ? IMMUTABLE : REVALIDATE,
    negotiated: encodings.br !== undefined || encodings.gzip !== undefined,
    encodings,
  };
}

/** The file at `path`; undefined for a page path (index.html answers); 'not-found' for a missing asset or a map. */
function assetFor(assets: Map<string, ConsoleAsset>, path: string): ConsoleAsset | undefined | 'not-found' {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return 'not-found';
  }
  if (isSourceMap(decoded)) return 'not-found';
  const asset = assets.get(decoded);
  if (asset) return asset;
  return decoded.startsWith('/assets/') ? 'not-found' : undefined;
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: ConsoleAsset): FastifyReply {
  const encoding = asset.negotiated ? chooseEncoding(request.headers['accept-encoding'], asset) : 'identity';
  const chosen = asset.encodings[encoding]!;
  reply.headers(CONSOLE_SECURITY_HEADERS).header('cache-control', asset.cacheControl).header('etag', chosen.etag);
  if (asset.negotiated) reply.header('vary', 'Accept-Encoding');
  if (matches(request.headers['if-none-match'], chosen.etag)) return reply.status(304).send();
  if (encoding !== 'identity') reply.header('content-encoding', encoding);
  return reply.type(asset.type).send(chosen.body);
}

/** The best encoding the client accepts and the file has: brotli, then gzip, else as it is. */
export function chooseEncoding(header: string | undefined, asset: Pick<ConsoleAsset, 'encodings'>): Encoding {
  if (!header) return 'identity';
  const weights = new Map<string, number>();
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name.trim(), Number.isFinite(weight) ? weight : 0);
  }
  const accepts = (name: string) => (weights.get(name) ?? weights.get('*') ?? 0) > 0;
  if (asset.encodings.br && accepts('br')) return 'br';
  if (asset.encodings.gzip && (accepts('gzip') || (weights.get('x-gzip') ?? 0) > 0)) return 'gzip';
  return 'identity';
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

function isSourceMap(name: string): boolean {
  return name.toLowerCase().endsWith('.map');
}
