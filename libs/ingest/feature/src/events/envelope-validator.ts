import { validateSync } from 'class-validator';
import { SEVERITIES, type Severity } from '@daalu/contracts';
import { followsTypeShape, jsonDepth } from '@daalu/ingest/domain';
import { fieldErrors, invalidFields } from '@daalu/platform/http';
import { problem, ProblemException } from '@daalu/platform/http';
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

/** Runs the class-validator rules (the authority) and throws the 400 naming every field, if any fail. */
function reportInvalid(input: Record<string, unknown>): void {
  const dto = new IngestEventDto();
  dto.type = input.type as string;
  dto.module = (input.module ?? 'custom') as string;
  dto.source = input.source as string;
  dto.summary = input.summary as string;
  dto.severity = input.severity as IngestEventDto['severity'];
  dto.payload = input.payload as IngestEventDto['payload'];
  const errors = fieldErrors(validateSync(dto, { forbidUnknownValues: false, stopAtFirstError: true }));
  if (errors.length > 0) throw invalidFields('invalid-event', 'Invalid event', errors);
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

function text(value: unknown, max: number, controlsAllowed = false): boolean {
  return (
    typeof value === 'string' && value.length >= 1 && value.length <= max && (controlsAllowed || !CONTROL.test(value))
  );
}

/**
 * A fast check that accepts only envelopes the class-validator rules accept too (UTF-16 length is at
 * least the character count those rules use), so the common valid request skips the reflective
 * validator; anything it does not accept goes to class-validator for the verdict and the field errors.
 * A unit test holds the two together.
 */
export function surelyValid(input: Record<string, unknown>): boolean {
  const payload = input.payload;
  return (
    text(input.type, ENVELOPE_LIMITS.type) &&
    (input.module === undefined || text(input.module, ENVELOPE_LIMITS.module)) &&
    text(input.source, ENVELOPE_LIMITS.source) &&
    text(input.summary, ENVELOPE_LIMITS.summary, true) &&
    (input.severity === undefined || SEVERITY_SET.has(input.severity)) &&
    (payload === undefined ||
      (payload !== null &&
        typeof payload === 'object' &&
        !Array.isArray(payload) &&
        jsonDepth(payload, ENVELOPE_LIMITS.payloadDepth) <= ENVELOPE_LIMITS.payloadDepth))
  );
}
