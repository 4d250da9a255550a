import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { problem, ProblemException } from './problem';

export interface FieldError {
  field: string;
  message: string;
}

/** Flattens class-validator errors into `{field, message}` pairs, with dotted paths for nested fields. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/** Validates a JSON body against a DTO class; answers 400 problem+json naming every offending field. */
export async function validateBody<T extends object>(
  dtoClass: new () => T,
  body: unknown,
  options: { forbidUnknownFields?: boolean } = {},
): Promise<T> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ProblemException(problem(400, 'invalid-body', 'Invalid body', 'the body must be a JSON object'));
  }
  const dto = plainToInstance(dtoClass, body);
  const strict = options.forbidUnknownFields ? { whitelist: true, forbidNonWhitelisted: true } : {};
  const errors = fieldErrors(await validate(dto, { forbidUnknownValues: false, ...strict }));
  if (errors.length > 0) throw invalidFields('invalid-body', 'Invalid body', errors);
  return dto;
}

/** The 400 for invalid fields: every offending field named, in `detail` and as `errors`. */
export function invalidFields(slug: string, title: string, errors: FieldError[]): ProblemException {
  return new ProblemException(
    problem(400, slug, title, errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors }),
  );
}

/**
 * Validates a query string against a DTO class, as validateBody does a body: every parameter given more
 * than once or not in the DTO, and every bad value, named in one 400 (`invalid-query`).
 */
export async function validateQuery<T extends object>(
  dtoClass: new () => T,
  query: Record<string, string | string[] | undefined>,
): Promise<T> {
  const repeated = Object.entries(query)
    .filter(([, value]) => Array.isArray(value))
    .map(([field]) => ({ field, message: 'must be given once' }));
  const dto = plainToInstance(dtoClass, Object.fromEntries(Object.entries(query).filter(([, v]) => !Array.isArray(v))));
  const errors = fieldErrors(
    await validate(dto, { forbidUnknownValues: false, whitelist: true, forbidNonWhitelisted: true }),
  ).map((error) =>
    error.message.startsWith('property ') && error.message.endsWith(' should not exist')
      ? { field: error.field, message: 'unknown parameter' }
      : error,
  );
  if (repeated.length + errors.length > 0)
    throw invalidFields('invalid-query', 'Invalid query', [...repeated, ...errors]);
  return dto;
}
