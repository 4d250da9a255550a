import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { FieldErrors } from './states';

/**
 * What an input needs to be tied to its help text and to the API's errors for `field` (the name the
 * API's problem+json `errors` use): its id, `aria-invalid`, and `aria-describedby` naming both.
 */
export function fieldAttrs(error: unknown, field: string, id: string, helpId?: string) {
  const invalid = error instanceof ApiError && error.forField(field).length > 0;
  const describedBy = [helpId, invalid ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return { id, 'aria-invalid': invalid || undefined, 'aria-describedby': describedBy || undefined } as const;
}

/** A labelled input (the child, given `fieldAttrs`), its help as `<id>-help`, its errors as `<id>-error`. */
export function Field(props: {
  id: string;
  field: string;
  label: string;
  error: unknown;
  help?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.help && (
        <p id={`${props.id}-help`} className="help">
          {props.help}
        </p>
      )}
      <FieldErrors id={`${props.id}-error`} error={props.error} field={props.field} />
    </div>
  );
}
