import { Link } from '@tanstack/react-router';
import { useRef, useState, type ReactNode } from 'react';
import type { Severity } from '@daalu/client';
import { ApiError } from '../../api/client';
import { LocalDateTimeInput, timeHelp } from '../../ui/datetime';
import { Field as SharedField, fieldAttrs } from '../../ui/field';
import { useFocusFirstInvalid } from '../../ui/focus';
import { FieldErrors } from '../../ui/states';
import { cleanSearch, hasFilters, SEVERITIES, severities, type TimelineSearch } from './search';

/** The form's own copy of the filters: edited freely, put in the URL (one history entry) on Apply. */
interface Draft {
  type: string;
  module: string;
  source: string;
  severity: Severity[];
  since: string;
  until: string;
  q: string;
  payloadPath: string;
  payloadValue: string;
}

function draftOf(search: TimelineSearch): Draft {
  return {
    type: search.type ?? '',
    module: search.module ?? '',
    source: search.source ?? '',
    severity: severities(search.severity),
    since: search.since ?? '',
    until: search.until ?? '',
    q: search.q ?? '',
    payloadPath: search.payloadPath ?? '',
    payloadValue: search.payloadValue ?? '',
  };
}

function searchOf(draft: Draft): TimelineSearch {
  return cleanSearch({
    ...draft,
    severity: draft.severity.join(','),
    payloadPath: draft.payloadPath.trim(),
  });
}

/** The filters under "More filters" (the bar shows type, summary and severity). */
const MORE_FIELDS = ['module', 'source', 'since', 'until', 'payloadPath', 'payloadValue'] as const;

/**
 * The timeline's filters. Applying puts them in the URL; the API's 400 (`error`) shows next to the
 * field it names. When the URL changes (Back, a link) the form shows the URL's filters again.
 */
export function TimelineFilters({
  search,
  error,
  onApply,
}: {
  search: TimelineSearch;
  error: unknown;
  onApply: (search: TimelineSearch) => void;
}) {
  const key = JSON.stringify(cleanSearch(search));
  const [shown, setShown] = useState(key);
  const [draft, setDraft] = useState(() => draftOf(search));
  if (shown !== key) {
    // The URL changed under the form: show what it says now (React's "adjust state on a prop change").
    setShown(key);
    setDraft(draftOf(search));
  }
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const apiError = error instanceof ApiError && error.status === 400 ? error : null;

  // The API refused a filter: focus goes to the field it names.
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, apiError && `${key} ${apiError.message}`);
  // The less used filters fold away, open when one is set or the API names one of them.
  const moreSet = MORE_FIELDS.some((name) => !!search[name]);
  const moreError = MORE_FIELDS.some(
    (name) => (apiError?.forField(name === 'payloadPath' ? 'payload' : name) ?? []).length,
  );
  const [moreOpen, setMoreOpen] = useState(moreSet);
  const [openKey, setOpenKey] = useState(key);
  if (openKey !== key) {
    setOpenKey(key);
    setMoreOpen(moreSet);
  }
  const moreCount = MORE_FIELDS.filter((name) => !!search[name]).length;

  return (
    <form
      ref={formRef}
      className="timeline-filters"
      role="search"
      aria-label="Filter the timeline"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(searchOf(draft));
      }}
    >
      <div className="filter-bar">
        <TextFilter
          name="type"
          label="Type"
          help="Exact, or a prefix ending in * (deploy.*)"
          value={draft.type}
          onChange={(type) => set({ type })}
          error={apiError}
        />
        <TextFilter name="q" label="Summary contains" value={draft.q} onChange={(q) => set({ q })} error={apiError} />
        <fieldset
          className="severity-filter"
          aria-describedby={apiError?.forField('severity').length ? 'tl-severity-error' : 'tl-severity-help'}
        >
          <legend>Severity</legend>
          {SEVERITIES.map((s) => (
            <label key={s} className="choice">
              <input
                type="checkbox"
                checked={draft.severity.includes(s)}
                onChange={(e) =>
                  set({
                    severity: SEVERITIES.filter((one) => (one === s ? e.target.checked : draft.severity.includes(one))),
                  })
                }
              />{' '}
              {s}
            </label>
          ))}
          <p id="tl-severity-help" className="visually-hidden">
            None checked: any severity.
          </p>
          <FieldErrors id="tl-severity-error" error={apiError} field="severity" />
        </fieldset>
        <div className="filter-buttons">
          <button type="submit">Apply filters</button>
          {hasFilters(search) && (
            <Link to="/timeline" search={{}} className="button secondary">
              Clear filters
            </Link>
          )}
        </div>
      </div>
      <details
        className="more-filters"
        open={moreOpen || moreError}
        onToggle={(e) => setMoreOpen((e.target as HTMLDetailsElement).open)}
      >
        <summary>More filters{moreCount > 0 ? ` (${moreCount} set)` : ''}</summary>
        <div className="filter-grid">
          <TextFilter
            name="module"
            label="Module"
            value={draft.module}
            onChange={(module) => set({ module })}
            error={apiError}
          />
          <TextFilter
            name="source"
            label="Source"
            value={draft.source}
            onChange={(source) => set({ source })}
            error={apiError}
          />
          <TimeFilter
            name="since"
            label="From (your local time)"
            value={draft.since}
            onChange={(since) => set({ since })}
            error={apiError}
          />
          <TimeFilter
            name="until"
            label="Until (your local time)"
            value={draft.until}
            onChange={(until) => set({ until })}
            error={apiError}
          />
          <fieldset className="payload-filter">
            <legend>Payload field</legend>
            <div className="row">
              <TextFilter
                name="payloadPath"
                errorField="payload"
                label="Path"
                help="Dots go into objects: nested.region"
                value={draft.payloadPath}
                onChange={(payloadPath) => set({ payloadPath })}
                error={apiError}
              />
              <TextFilter
                name="payloadValue"
                label="Equals"
                help="Text, or a number or true/false"
                value={draft.payloadValue}
                onChange={(payloadValue) => set({ payloadValue })}
                error={null}
              />
            </div>
          </fieldset>
        </div>
      </details>
    </form>
  );
}

/** A labelled input with its help and the API's errors for it, both tied to it (aria-describedby). */
function Field(props: {
  name: string;
  errorField?: string;
  label: string;
  help?: ReactNode;
  error: ApiError | null;
  input: (attrs: ReturnType<typeof fieldAttrs>) => ReactNode;
}) {
  const id = `tl-${props.name}`;
  const errorField = props.errorField ?? props.name;
  return (
    <SharedField id={id} field={errorField} label={props.label} help={props.help} error={props.error}>
      {props.input(fieldAttrs(props.error, errorField, id, props.help ? `${id}-help` : undefined))}
    </SharedField>
  );
}

function TextFilter(props: {
  name: string;
  errorField?: string;
  label: string;
  help?: string;
  value: string;
  onChange: (value: string) => void;
  error: ApiError | null;
}) {
  return (
    <Field
      {...props}
      input={(attrs) => (
        <input {...attrs} type="text" value={props.value} onChange={(e) => props.onChange(e.target.value)} />
      )}
    />
  );
}

/**
 * A time, picked in local time and kept in the URL as ISO 8601 UTC. A value the input cannot show (the
 * Alerts page's milliseconds, or text from a hand-made link) is kept exactly as given until edited.
 */
function TimeFilter(props: {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: ApiError | null;
}) {
  return (
    <Field
      {...props}
      help={timeHelp(props.value)}
      input={(attrs) => <LocalDateTimeInput {...attrs} value={props.value} onChange={props.onChange} />}
    />
  );
}
