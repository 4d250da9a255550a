import { validateSync } from 'class-validator';
import { followsTypeShape } from '@daalu/ingest/domain';
import { fieldErrors } from '../shared/validate-body';
import { problem, ProblemException } from '../shared/problem';
import { ENVELOPE_FIELDS, IngestEventDto } from './ingest-event.dto';

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
  const dto = new IngestEventDto();
  dto.type = input.type as string;
  dto.module = (input.module ?? 'custom') as string;
  dto.source = input.source as string;
  dto.summary = input.summary as string;
  dto.severity = input.severity as IngestEventDto['severity'];
  dto.payload = input.payload as IngestEventDto['payload'];
  const errors = fieldErrors(validateSync(dto, { forbidUnknownValues: false, stopAtFirstError: true }));
  if (errors.length > 0) {
    throw new ProblemException(
      problem(400, 'invalid-event', 'Invalid event', errors.map((e) => `${e.field}: ${e.message}`).join('; '), {
        errors,
      }),
    );
  }
  const warnings: string[] = [];
  if (!followsTypeShape(dto.type)) {
    warnings.push(`type "${dto.type}" does not follow <system>.<verb> (e.g. deploy.failed); it is harder to query`);
  }
  for (const key of Object.keys(input)) {
    if (TENANT_FIELDS.has(key)) warnings.push(`${key} was dropped: the tenant comes from the ingest key`);
    else if (!KNOWN.has(key)) warnings.push(`unknown field "${key}" was ignored`);
  }
  return {
    event: {
      type: dto.type,
      module: dto.module,
      source: dto.source,
      summary: dto.summary,
      severity: dto.severity ?? 'info',
      payload: dto.payload ?? {},
    },
    warnings,
  };
}
