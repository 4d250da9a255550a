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
