import type { ReactNode } from 'react';
import { MAX_CONDITIONS, OP_LABELS, PAYLOAD_OPS, type ConditionDraft, type PayloadOp } from './conditions';
import { Field, fieldAttrs } from './field';
import { FieldErrors } from './states';
import './payload-conditions.css';

/** The id of the input for an API field name (`match.payload.0.value` → `f-match-payload-0-value`). */
export const idForField = (field: string) => `f-${field.replace(/[^A-Za-z0-9]+/g, '-')}`;

/** `fieldAttrs` for a field whose id comes from its API name; `help`: it has a help text. */
export const attrsForField = (error: unknown, field: string, help?: boolean) =>
  fieldAttrs(error, field, idForField(field), help ? `${idForField(field)}-help` : undefined);

/** A labelled input whose id comes from its API field name. */
export function NamedField(props: {
  field: string;
  label: string;
  help?: ReactNode;
  error: unknown;
  children: ReactNode;
}) {
  return <Field id={idForField(props.field)} {...props} />;
}

/**
 * The payload conditions of an alert rule (`match.payload`, `resolve.match.payload`) or of a webhook's
 * event trigger (`trigger.events.payload`): field, operator and value rows, all of which must hold. Each
 * input is named as the API names it (`<at>.payload.<i>.value`), so the API's 400 shows next to it.
 */
export function PayloadConditionsEditor(props: {
  /** The API's name of what holds `payload`: `match`, `resolve.match`, `trigger.events`. */
  at: string;
  value: ConditionDraft[];
  onChange: (value: ConditionDraft[]) => void;
  error: unknown;
  /** Put before every label, e.g. "Resolving ". */
  labelPrefix?: string;
  legend?: string;
}) {
  const { at, value, onChange, error } = props;
  const prefix = props.labelPrefix ?? '';
  const setCondition = (i: number, patch: Partial<ConditionDraft>) =>
    onChange(value.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <fieldset className="conditions">
      <legend>{props.legend ?? `${prefix}Payload conditions (all must hold)`}</legend>
      <FieldErrors id={`${idForField(`${at}.payload`)}-error`} error={error} field={`${at}.payload`} />
      {value.length === 0 && <p className="help">None: the payload is not looked at.</p>}
      {value.map((condition, i) => {
        const base = `${at}.payload.${i}`;
        const n = i + 1;
        return (
          <div className="condition" key={i} role="group" aria-label={`${prefix}Payload condition ${n}`}>
            <NamedField field={`${base}.field`} label={`Field ${n}`} error={error}>
              <input
                {...attrsForField(error, `${base}.field`)}
                value={condition.field}
                placeholder="env or disk.pct"
                onChange={(e) => setCondition(i, { field: e.target.value })}
              />
            </NamedField>
            <NamedField field={`${base}.op`} label={`Operator ${n}`} error={error}>
              <select
                {...attrsForField(error, `${base}.op`)}
                value={condition.op}
                onChange={(e) => setCondition(i, { op: e.target.value as PayloadOp })}
              >
                {PAYLOAD_OPS.map((op) => (
                  <option key={op} value={op}>
                    {OP_LABELS[op]}
                  </option>
                ))}
              </select>
            </NamedField>
            {condition.op !== 'exists' && (
              <NamedField
                field={`${base}.value`}
                label={`Value ${n}`}
                help={condition.op === 'in' ? 'Comma-separated.' : undefined}
                error={error}
              >
                <input
                  {...attrsForField(error, `${base}.value`, condition.op === 'in')}
                  value={condition.value}
                  onChange={(e) => setCondition(i, { value: e.target.value })}
                />
              </NamedField>
            )}
            <button type="button" className="secondary" onClick={() => onChange(value.filter((_, j) => j !== i))}>
              Remove {prefix.toLowerCase()}condition {n}
            </button>
          </div>
        );
      })}
      <button
        type="button"
        className="secondary"
        disabled={value.length >= MAX_CONDITIONS}
        onClick={() => onChange([...value, { field: '', op: 'eq', value: '' }])}
      >
        Add {prefix.toLowerCase()}payload condition
      </button>
      <p className="help">
        A path inside the payload, dotted for nested objects (<code>env</code>, <code>disk.pct</code>). Numbers compare
        as numbers (a numeric string counts); <code>true</code>/<code>false</code> are booleans.
      </p>
    </fieldset>
  );
}
