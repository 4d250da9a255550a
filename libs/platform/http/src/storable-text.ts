import type { FastifyInstance } from 'fastify';
import { findTextProblem, textReason } from '@daalu/shared/text';
import { sendProblem, type Problem } from './problem';
import { invalidFields, type FieldError } from './validate-body';

/**
 * The 400 for a request carrying text PostgreSQL cannot store (a NUL, or a lone surrogate: JSON's
 * `"\u0000"` and `"\udfff"` escapes parse into exactly these) in a JSON body's keys or string values at
 * any depth, or in a query parameter's name or value; null when there is none. The body is named as
 * DTO errors name it (`name`, `match.payload[0].value`), a parameter by its name as sent (`payload.x`).
 */
export function unstorableTextProblem(body: unknown, query: unknown): Problem | null {
  const inBody = findTextProblem(body, '');
  if (inBody) {
    const field = inBody.path === '' ? '(body)' : inBody.path;
    return invalidFields('invalid-body', 'Invalid body', [{ field, message: inBody.reason }]).problem;
  }
  const errors = queryTextErrors(query);
  return errors.length > 0 ? invalidFields('invalid-query', 'Invalid query', errors).problem : null;
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

/**
 * Refuses such requests on every route of the app before any handler (or DTO) sees them, with a 400
 * problem naming the field: one check for every write API, so a tenant can never put on the log what
 * PostgreSQL then refuses for every reader. Runs after the body parser (Fastify's `preValidation`).
 */
export function refuseUnstorableText(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request, reply) => {
    const found = unstorableTextProblem(request.body, request.query);
    if (found) return sendProblem(reply, found);
  });
}
