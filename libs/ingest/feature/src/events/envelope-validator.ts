import { validateSync } from 'class-validator';
import { SEVERITIES, type Severity } from '@daalu/contracts';
import { followsTypeShape } from '@daalu/ingest/domain';
import { fieldErrors, invalidFields, type FieldError } from '@daalu/platform/http';
import { problem, ProblemException } from '@daalu/platform/http';
import { findTextProblem, joinPath, textReason } from '@daalu/shared/text';
import { ENVELOPE_FIELDS, ENVELOPE_LIMITS, IngestEventDto } from './ingest-event.dto';

const KNOWN = new Set<string>(ENVELOPE_FIELDS);
const TENANT_FIELDS = new Set(['tenant_id', 'tenantId']);

export interface ValidEnvelope {
  event: Required<IngestEventDto>;
  warnings: string[];
}

/**
 * Checks one parsed body against the envelope. Invalid: a 400 problem naming every offending field.
 * Valid: the event with defaults applied (severity info, module custom, payload {}) and warnings for
 * what was accepted but is worth telling the sender (a dropped tenant id, an unusual type, unknown fields).
 */
export function validateEnvelope(body: unknown): ValidEnvelope {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ProblemException(
      problem(400, 'invalid-event', 'Invalid event', 'the body must be a JSON object (the event envelope)', {
        errors: [{ field: '', message: 'must be a JSON object' }],
      }),
    );
  }
  const input = body as Record<string, unknown>;
  if (!surelyValid(input)) reportInvalid(input);
  return accept(input);
}

/** Throws the 400 naming every offending field, if any. */
function reportInvalid(input: Record<string, unknown>): void {
  const errors = envelopeErrors(input);
  if (errors.length > 0) throw invalidFields('invalid-event', 'Invalid event', errors);
}

/**
 * The full check (the authority): the class-validator rules, and the text check of what they do not
 * look into (payload keys and values at any depth, other fields). Every offending field, or none.
 */
export function envelopeErrors(input: Record<string, unknown>): FieldError[] {
  const dto = new IngestEventDto();
  dto.type = input.type as string;
  dto.module = (input.module ?? 'custom') as string;
  dto.source = input.source as string;
  dto.summary = input.summary as string;
  dto.severity = input.severity as IngestEventDto['severity'];
  dto.payload = input.payload as IngestEventDto['payload'];
  const errors = fieldErrors(validateSync(dto, { forbidUnknownValues: false, stopAtFirstError: true }));
  errors.push(...unstorableText(input, new Set(errors.map((error) => error.field))));
  return errors;
}

/**
 * Text PostgreSQL cannot store (NUL, lone surrogates) where the DTO does not look: in the payload (each
 * place named, `payload.k`, `payload.list[1]`) and in the other fields, which are ignored but whose names
 * come back in a warning. Fields already reported are not reported twice.
 */
function unstorableText(input: Record<string, unknown>, reported: Set<string>): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of Object.keys(input)) {
    if (KNOWN.has(key) && key !== 'payload') continue; // the DTO's own rules cover these
    if (reported.has(key)) continue;
    const keyReason = textReason(key);
    const found = keyReason
      ? { path: '(a key)', reason: `keys ${keyReason}` }
      : findTextProblem(input[key], joinPath('', key));
    if (found) errors.push({ field: found.path, message: found.reason });
  }
  return errors;
}

function accept(input: Record<string, unknown>): ValidEnvelope {
  const warnings: string[] = [];
  const type = input.type as string;
  if (!followsTypeShape(type)) {
    warnings.push(`type "${type}" does not follow <system>.<verb> (e.g. deploy.failed); it is harder to query`);
  }
  for (const key of Object.keys(input)) {
    if (TENANT_FIELDS.has(key)) warnings.push(`${key} was dropped: the tenant comes from the ingest key`);
    else if (!KNOWN.has(key)) warnings.push(`unknown field "${key}" was ignored`);
  }
  return {
    event: {
      type,
      module: (input.module as string | undefined) ?? 'custom',
      source: input.source as string,
      summary: input.summary as string,
      severity: (input.severity as Severity | undefined) ?? 'info',
      payload: (input.payload as Record<string, unknown> | undefined) ?? {},
    },
    warnings,
  };
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const SEVERITY_SET = new Set<unknown>(SEVERITIES);

/** 1 to `max` UTF-16 units of text PostgreSQL can store; control characters only where allowed (not NUL). */
function text(value: unknown, max: number, controlsAllowed = false): boolean {
  return (
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= max &&
    (controlsAllowed ? !value.includes('\u0000') : !CONTROL.test(value)) &&
    value.isWellFormed()
  );
}

/**
 * A fast check that accepts only envelopes the full check accepts too (UTF-16 length is at least the
 * character count the class-validator rules use), so the common valid request skips the reflective
 * validator; anything it does not accept goes to `reportInvalid` for the verdict and the field errors.
 * A unit test holds the two together.
 */
export function surelyValid(input: Record<string, unknown>): boolean {
  const payload = input.payload;
  if (!(
    text(input.type, ENVELOPE_LIMITS.type) &&
    (input.module === undefined || text(input.module, ENVELOPE_LIMITS.module)) &&
    text(input.source, ENVELOPE_LIMITS.source) &&
    text(input.summary, ENVELOPE_LIMITS.summary, true) &&
    (input.severity === undefined || SEVERITY_SET.has(input.severity)) &&
    (payload === undefined ||
      (payload !== null &&
        typeof payload === 'object' &&
        !Array.isArray(payload) &&
        storableWithin(payload, ENVELOPE_LIMITS.payloadDepth)))
  )) {
    return false;
  }
  for (const key in input) {
    if (KNOWN.has(key)) continue;
    // Other fields are ignored, but their names come back in a warning: rare, so checked here too.
    const value = input[key];
    if (
      textReason(key) !== null ||
      (typeof value === 'string' ? textReason(value) !== null : !storableWithin(value, Infinity))
    ) {
      return false;
    }
  }
  return true;
}

function storableString(value: string): boolean {
  return !value.includes('\u0000') && value.isWellFormed();
}

/**
 * One pass over a JSON value: nested at most `limit` objects/arrays deep (a plain value is depth 0),
 * and every key and string value text PostgreSQL can store. Iterative, so depth cannot overflow the stack.
 */
export function storableWithin(root: unknown, limit: number): boolean {
  if (root === null || typeof root !== 'object') return typeof root !== 'string' || storableString(root);
  const values: object[] = [root];
  const depths: number[] = [1];
  while (values.length > 0) {
    const value = values.pop()!;
    const depth = depths.pop()!;
    if (depth > limit) return false;
    if (Array.isArray(value)) {
      for (const child of value) {
        if (typeof child === 'string') {
          if (!storableString(child)) return false;
        } else if (child !== null && typeof child === 'object') {
          values.push(child as object);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!storableString(key)) return false;
      const child = record[key];
      if (typeof child === 'string') {
        if (!storableString(child)) return false;
      } else if (child !== null && typeof child === 'object') {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}
