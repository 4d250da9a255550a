import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  HTTP_STATUS_SLUGS,
  PROBLEM_TYPE_BASE,
  PROBLEM_TYPES,
  problemType,
  type ProblemType,
} from '@daalu/platform/http';
import { DOCS_SECURITY_HEADERS } from './api-reference';
import { notFound } from './problems';

/**
 * What a problem document's `type` points at. Every error answer of the API is problem+json whose
 * `type` is `/problems/<slug>`, resolved against the URL asked, so the origin serves those pages itself:
 *  - `GET /problems/<slug>`: the kind of problem (its title, status, what it means, what to do), from
 *    the one catalog in `libs/platform/http/src/problem-types.ts`; an unknown slug is a 404 problem;
 *  - `GET /problems/` (and `/problems`): the list of them all.
 */
export const PROBLEMS_PATH = PROBLEM_TYPE_BASE;

export function registerProblemPages(app: FastifyInstance): void {
  const index = page('Problem types', indexBody());
  app.get(PROBLEMS_PATH.slice(0, -1), (_request, reply) => sendHtml(reply, index));
  app.get(`${PROBLEMS_PATH}*`, (request: FastifyRequest<{ Params: { '*': string } }>, reply) => {
    const slug = request.params['*'];
    if (slug === '') return sendHtml(reply, index);
    const type = problemType(slug);
    if (!type) return notFound(reply, `no problem type ${JSON.stringify(slug)}: the list is at ${PROBLEMS_PATH}`);
    return sendHtml(reply, page(type.title, typeBody(type)));
  });
}

function sendHtml(reply: FastifyReply, html: string): FastifyReply {
  return reply
    .headers(DOCS_SECURITY_HEADERS)
    .header('cache-control', 'public, max-age=300')
    .type('text/html; charset=utf-8')
    .send(html);
}

function typeBody(type: ProblemType): string {
  const statuses = type.statuses.map((status) => `${status} ${STATUS_CODES[status] ?? ''}`.trim()).join(', ');
  return `<p class="slug"><code>${PROBLEMS_PATH}${escape(type.slug)}</code></p>
    <h1>${escape(type.title)}</h1>
    <dl>
      <dt>Status</dt><dd>${escape(statuses)}</dd>
      ${type.headers ? `<dt>Headers to read</dt><dd>${inline(type.headers)}</dd>` : ''}
    </dl>
    <h2>What it means</h2>
    <p>${inline(type.meaning)}</p>
    <h2>What to do</h2>
    <p>${inline(type.action)}</p>
    <p class="note">The answer's body is <code>application/problem+json</code> (RFC 9457): <code>type</code> is
      this page, <code>title</code> the kind, <code>status</code> the HTTP status, <code>detail</code> this
      occurrence in words, and on a 400 <code>errors</code> names every offending field.</p>
    <p><a href="${PROBLEMS_PATH}">Every problem type</a></p>`;
}

function indexBody(): string {
  const row = (type: ProblemType) =>
    `<tr><td><a href="${PROBLEMS_PATH}${escape(type.slug)}"><code>${escape(type.slug)}</code></a></td>` +
    `<td>${type.statuses.join(', ')}</td><td>${escape(type.title)}</td></tr>`;
  const http = HTTP_STATUS_SLUGS.map(
    (slug) => `<a href="${PROBLEMS_PATH}${slug}"><code>${slug.slice(5)}</code></a>`,
  ).join(' ');
  return `<h1>Problem types</h1>
    <p>Every error answer of the Daalu webhooks API is <code>application/problem+json</code> (RFC 9457).
      Its <code>type</code> is one of these pages: <code>${PROBLEMS_PATH}&lt;slug&gt;</code>, resolved
      against the URL that was asked.</p>
    <table>
      <thead><tr><th>type</th><th>status</th><th>title</th></tr></thead>
      <tbody>${PROBLEM_TYPES.map(row).join('')}</tbody>
    </table>
    <h2>Errors of the web framework itself</h2>
    <p><code>http-&lt;status&gt;</code>, named by the HTTP status: ${http}</p>`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escape(title)} · Daalu webhooks</title>
    <style>
      :root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
      body { max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
      code { font-family: ui-monospace, monospace; font-size: 0.95em; }
      .slug, .note { opacity: 0.75; }
      dt { font-weight: 600; }
      dd { margin: 0 0 0.5rem 0; }
      table { border-collapse: collapse; width: 100%; }
      th, td { text-align: left; padding: 0.25rem 0.75rem 0.25rem 0; border-bottom: 1px solid #8884; }
    </style>
  </head>
  <body>
    ${body}
  </body>
</html>
`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Catalog text: escaped, with `code` in backticks shown as code. */
function inline(text: string): string {
  return escape(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}
