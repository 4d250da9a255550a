import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
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

/**
 * Serves the built console (dist/apps/console) at `/`: hashed assets with a year's cache, and
 * index.html (never cached) for every other page path, where the single-page app's router takes over.
 * Returns a sender for the origin's catch-all, or undefined when the console was not built.
 */
export async function consoleFiles(
  app: FastifyInstance,
  dir: string,
  logger: Logger,
): Promise<((path: string, reply: FastifyReply) => FastifyReply) | undefined> {
  if (!existsSync(join(dir, 'index.html'))) {
    logger.warn({ dir }, 'console not built (npm run build builds it): / answers 404');
    return undefined;
  }
  // Loaded only when there is a console to serve (it is an ES module chain jest cannot require).
  const { default: fastifyStatic } = await import('@fastify/static');
  await app.register(fastifyStatic, { root: dir, serve: false });
  return (path, reply) => {
    reply.headers(CONSOLE_SECURITY_HEADERS);
    if (path.startsWith('/assets/') && !path.includes('..')) {
      return reply.header('cache-control', 'public, max-age=31536000, immutable').sendFile(path.slice(1));
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };
}
