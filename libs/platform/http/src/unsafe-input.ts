import type { FastifyInstance } from 'fastify';
import { joinPath, textReason, type TextProblem } from '@daalu/shared/text';
import { sendProblem, type Problem } from './problem';
import { invalidFields, type FieldError } from './validate-body';

/**
 * Objects and arrays nested in a JSON body, at most. Far more than any API body needs (an alert rule or
 * a webhook is a handful of levels); it keeps recursive code after the edge (class-transformer's
 * plainToInstance, class-validator, JSON.stringify) from overflowing the stack on a 100,000-deep body,
 * which would be a 500.
 */
export const MAX_BODY_DEPTH = 64;

/**
 * The 400 for a request no handler should see, or null when there is none:
 *  - a JSON body nested deeper than MAX_BODY_DEPTH objects/arrays (named by where it goes too deep);
 *  - text PostgreSQL cannot store (a NUL, or a lone surrogate: JSON's `"\u0000"` and `"\udfff"` escapes
 *    parse into exactly these) in a JSON body's keys or string values at any depth, or in a query
 *    parameter's name or value;
 *  - a query parameter whose name or value is not valid %-encoding (`%ZZ`, a cut `%E0%A4%A`, a lone `%`),
 *    when `rawQuery` (the query string as sent) is given.
 * The body is named as DTO errors name it (`name`, `match.payload[0].value`), a parameter by its name
 * as sent (`payload.x`).
 */
export function inputProblem(body: unknown, query: unknown, rawQuery = ''): Problem | null {
  const inBody = bodyProblem(body, MAX_BODY_DEPTH);
  if (inBody) {
    const field = inBody.path === '' ? '(body)' : inBody.path;
    return invalidFields('invalid-body', 'Invalid body', [{ field, message: inBody.reason }]).problem;
  }
  const errors = badlyEncodedParameters(rawQuery);
  const named = new Set(errors.map((error) => error.field));
  for (const error of queryTextErrors(query)) if (!named.has(error.field)) errors.push(error);
  return errors.length > 0 ? invalidFields('invalid-query', 'Invalid query', errors).problem : null;
}

/**
 * The first problem of a parsed JSON value, in document order: a key or a string value PostgreSQL
 * cannot store, or an object/array nested inside `maxDepth` others. One iterative walk, so no depth
 * can overflow the stack here, and a too-deep value is refused before any child below the limit is read.
 */
export function bodyProblem(value: unknown, maxDepth: number): TextProblem | null {
  // [value, its path, how many objects/arrays enclose it]
  const stack: Array<[unknown, string, number]> = [[value, '', 0]];
  while (stack.length > 0) {
    const [item, path, depth] = stack.pop()!;
    if (typeof item === 'string') {
      const reason = textReason(item);
      if (reason) return { path, reason };
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    if (depth >= maxDepth) {
      return { path, reason: `nests objects and arrays too deeply (at most ${maxDepth} levels)` };
    }
    if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], `${path}[${i}]`, depth + 1]);
      continue;
    }
    const keys = Object.keys(item);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const keyReason = textReason(key);
      // A bad key is named by where it sits, since the key itself cannot be printed faithfully.
      if (keyReason) return { path: path === '' ? '(a key)' : `${path} (a key)`, reason: `keys ${keyReason}` };
      stack.push([(item as Record<string, unknown>)[key], joinPath(path, key), depth + 1]);
    }
  }
  return null;
}

/** Each query parameter whose name or value (any of its values, when repeated) cannot be stored. */
function queryTextErrors(query: unknown): FieldError[] {
  if (query === null || typeof query !== 'object') return [];
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
    const nameReason = textReason(name);
    if (nameReason) {
      errors.push({ field: '(a parameter name)', message: `parameter names ${nameReason}` });
      continue;
    }
    for (const one of Array.isArray(value) ? value : [value]) {
      const reason = typeof one === 'string' ? textReason(one) : null;
      if (reason) {
        errors.push({ field: name, message: reason });
        break;
      }
    }
  }
  return errors;
}

export const BAD_ENCODING_REASON =
  'is not valid %-encoding: each % must start the %XX of a UTF-8 byte sequence (send a literal % as %25)';

/**
 * Each parameter of a raw query string (`a=1&b=%ZZ`) whose name or value is not valid %-encoding of
 * UTF-8, once per name. Fastify's parser keeps such text as it was sent (`%ZZ` stays `%ZZ`), so a handler
 * would read what the client never meant; it is a 400 naming the parameter instead.
 */
export function badlyEncodedParameters(rawQuery: string): FieldError[] {
  if (!rawQuery.includes('%')) return [];
  const errors: FieldError[] = [];
  const named = new Set<string>();
  for (const pair of rawQuery.split('&')) {
    if (!pair.includes('%')) continue;
    const equals = pair.indexOf('=');
    const rawName = equals === -1 ? pair : pair.slice(0, equals);
    const name = decodeQueryPart(rawName);
    let field: string | undefined;
    if (name === undefined) field = '(a parameter name)';
    else if (equals !== -1 && decodeQueryPart(pair.slice(equals + 1)) === undefined) field = name;
    if (field === undefined || named.has(field)) continue;
    named.add(field);
    errors.push({
      field,
      message: field === '(a parameter name)' ? `parameter names must be valid %-encoding` : BAD_ENCODING_REASON,
    });
  }
  return errors;
}

function decodeQueryPart(text: string): string | undefined {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return undefined;
  }
}

/** The query string of a request URL as sent (after `?`, before any `#`), '' when there is none. */
function rawQueryOf(url: string): string {
  const question = url.indexOf('?');
  if (question === -1) return '';
  const hash = url.indexOf('#', question);
  return hash === -1 ? url.slice(question + 1) : url.slice(question + 1, hash);
}

/**
 * Refuses such requests (see `inputProblem`) on every route of the app before any handler (or DTO)
 * sees them, with a 400 problem naming the field or parameter: one check for every API, so a tenant can
 * never put on the log what PostgreSQL then refuses for every reader, nor turn a body or a query into a
 * 500. Runs after the body parser (Fastify's `preValidation`).
 */
export function refuseUnsafeInput(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request, reply) => {
    const found = inputProblem(request.body, request.query, rawQueryOf(request.url));
    if (found) return sendProblem(reply, found);
  });
}
