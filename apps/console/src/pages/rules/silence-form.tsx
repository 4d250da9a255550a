import * as AlertDialog from '@radix-ui/react-alert-dialog';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent, type ReactElement, type ReactNode } from 'react';
import type { Severity } from '@daalu/client';
import { ApiError } from '../../api/client';
import { conditionDrafts, payloadConditions, type ConditionDraft } from '../../ui/conditions';
import { LocalDateTimeInput, timeHelp } from '../../ui/datetime';
import { useFocusFirstInvalid } from '../../ui/focus';
import { attrsForField, idForField, NamedField, PayloadConditionsEditor } from '../../ui/payload-conditions';
import { ProblemMessage } from '../../ui/states';
import {
  createSilence,
  listRules,
  rulesKey,
  SEVERITIES,
  silencesKey,
  type CreateSilence,
  type Silence,
  type SilenceMatchers,
} from './api';
import './rules.css';

/** How long a new silence lasts unless changed: long enough for most maintenance, short enough to be forgotten safely. */
const DEFAULT_HOURS = 2;

interface SilenceDraft {
  ruleId: string;
  groupKey: string;
  severity: '' | Severity;
  payload: ConditionDraft[];
  startsAt: string;
  endsAt: string;
  comment: string;
}

function draftOf(matchers: SilenceMatchers): SilenceDraft {
  return {
    ruleId: matchers.ruleId ?? '',
    groupKey: matchers.groupKey ?? '',
    severity: matchers.severity ?? '',
    payload: conditionDrafts(matchers.payload),
    startsAt: '',
    endsAt: new Date(Date.now() + DEFAULT_HOURS * 3_600_000).toISOString(),
    comment: '',
  };
}

function toBody(d: SilenceDraft): CreateSilence {
  const matchers: SilenceMatchers = {
    ...(d.ruleId ? { ruleId: d.ruleId } : {}),
    ...(d.groupKey.trim() ? { groupKey: d.groupKey.trim() } : {}),
    ...(d.severity ? { severity: d.severity } : {}),
    ...(d.payload.length ? { payload: payloadConditions(d.payload) } : {}),
  };
  return {
    matchers,
    ...(d.startsAt ? { startsAt: d.startsAt } : {}),
    // Empty goes as typed: the API's 400 then names the field.
    endsAt: d.endsAt,
    ...(d.comment.trim() ? { comment: d.comment.trim() } : {}),
  };
}

/**
 * A new silence, in a dialog opened by `trigger`: its matchers (prefilled from `initial`, e.g. an alert's
 * rule and group), when it starts and ends, and why. The API's 400 shows next to the fields it names and
 * the first of them takes focus; closing returns focus to the trigger.
 */
export function SilenceDialog(props: {
  trigger: ReactElement;
  title: string;
  initial: SilenceMatchers;
  /** Said above the fields: what this silence will and will not cover. */
  intro?: ReactNode;
  onCreated?: (silence: Silence) => void;
}) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<SilenceDraft>(() => draftOf(props.initial));
  const set = (patch: Partial<SilenceDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const formRef = useRef<HTMLFormElement>(null);
  const firstRef = useRef<HTMLSelectElement>(null);
  const queryClient = useQueryClient();
  const rules = useQuery({ queryKey: rulesKey, queryFn: listRules, enabled: open });
  const create = useMutation({
    mutationFn: createSilence,
    onSuccess: async (silence) => {
      setOpen(false);
      props.onCreated?.(silence);
      await queryClient.invalidateQueries({ queryKey: silencesKey });
    },
  });
  const error = create.error;
  // A refusal: the first field it names (in the form's order) takes focus, else its problem message.
  useFocusFirstInvalid(formRef, error);

  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (next) {
      setDraft(draftOf(props.initial));
      create.reset();
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!create.isPending) create.mutate(toBody(draft));
  };
  // Field ids are the API's names (so its errors find them): one dialog is open at a time, so they are unique.
  const attrs = (field: string, help?: boolean) => attrsForField(error, field, help);
  const field = (name: string, label: string, children: ReactNode, help?: ReactNode) => (
    <NamedField field={name} label={label} help={help} error={error}>
      {children}
    </NamedField>
  );
  const ruleItems = rules.data?.items ?? [];
  const knownRule = !draft.ruleId || ruleItems.some((r) => r.id === draft.ruleId);

  return (
    <AlertDialog.Root open={open} onOpenChange={onOpenChange}>
      <AlertDialog.Trigger asChild>{props.trigger}</AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content
          className="dialog silence-dialog"
          onOpenAutoFocus={(e) => {
            e.preventDefault();
            firstRef.current?.focus();
          }}
        >
          <form ref={formRef} onSubmit={submit} noValidate>
            <AlertDialog.Title>{props.title}</AlertDialog.Title>
            <AlertDialog.Description asChild>
              <div className="help">
                {props.intro ?? (
                  <p>
                    Alerts that fire while it lasts and match every matcher below still fire and show, marked silenced,
                    but no webhook is told until it ends. Alerts firing already are not covered.
                  </p>
                )}
              </div>
            </AlertDialog.Description>
            <fieldset>
              <legend>Matchers (all must hold; none: every alert)</legend>
              <OwnErrors error={error} field="matchers" />
              {field(
                'matchers.ruleId',
                'Rule',
                <select
                  ref={firstRef}
                  {...attrs('matchers.ruleId')}
                  value={draft.ruleId}
                  onChange={(e) => set({ ruleId: e.target.value })}
                >
                  <option value="">Any rule</option>
                  {ruleItems.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.name}
                    </option>
                  ))}
                  {!knownRule && <option value={draft.ruleId}>Rule {draft.ruleId.slice(0, 8)}…</option>}
                </select>,
              )}
              {field(
                'matchers.groupKey',
                'Group',
                <input
                  {...attrs('matchers.groupKey', true)}
                  maxLength={1024}
                  autoComplete="off"
                  value={draft.groupKey}
                  onChange={(e) => set({ groupKey: e.target.value })}
                />,
                <>The alert’s group: the value of its rule’s groupBy (e.g. a host). Empty: any group.</>,
              )}
              {field(
                'matchers.severity',
                'Severity',
                <select
                  {...attrs('matchers.severity')}
                  value={draft.severity}
                  onChange={(e) => set({ severity: e.target.value as SilenceDraft['severity'] })}
                >
                  <option value="">Any severity</option>
                  {SEVERITIES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>,
              )}
              <details open={draft.payload.length > 0 || undefined}>
                <summary>Payload conditions (optional)</summary>
                <p className="help">
                  Judged on the event that fires the alert. An absence alert has no event, so a payload condition never
                  covers it.
                </p>
                <PayloadConditionsEditor
                  at="matchers"
                  value={draft.payload}
                  onChange={(payload) => set({ payload })}
                  error={error}
                />
              </details>
            </fieldset>
            <div className="field-grid">
              {field(
                'startsAt',
                'Starts (optional)',
                <LocalDateTimeInput
                  {...attrs('startsAt', true)}
                  value={draft.startsAt}
                  onChange={(startsAt) => set({ startsAt })}
                />,
                `Your local time. ${timeHelp(draft.startsAt, 'Empty: now.')}`,
              )}
              {field(
                'endsAt',
                'Ends (required)',
                <LocalDateTimeInput
                  {...attrs('endsAt', true)}
                  required
                  value={draft.endsAt}
                  onChange={(endsAt) => set({ endsAt })}
                />,
                `At most 30 days after it starts. ${timeHelp(draft.endsAt, 'Required.')}`,
              )}
            </div>
            {field(
              'comment',
              'Comment (optional)',
              <textarea
                {...attrs('comment', true)}
                rows={2}
                maxLength={1000}
                value={draft.comment}
                onChange={(e) => set({ comment: e.target.value })}
              />,
              'Why: shown with the silence (e.g. disk swap on db-1).',
            )}
            {error instanceof ApiError && error.status === 400 && (
              <p className="field-error">Nothing was created: correct the fields marked above.</p>
            )}
            <ProblemMessage error={error} />
            <div className="dialog-actions">
              <AlertDialog.Cancel asChild>
                <button type="button" className="secondary">
                  Cancel
                </button>
              </AlertDialog.Cancel>
              {/* aria-disabled, not disabled: a disabled button would drop the focus to the page. */}
              <button type="submit" aria-disabled={create.isPending || undefined}>
                {create.isPending ? 'Creating…' : 'Create silence'}
              </button>
            </div>
          </form>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

/** The errors of `field` itself, not of its sub-fields (those show beside their own inputs). */
function OwnErrors({ error, field }: { error: unknown; field: string }) {
  const messages = error instanceof ApiError ? error.fields.filter((f) => f.field === field).map((f) => f.message) : [];
  if (messages.length === 0) return null;
  return (
    <p id={`${idForField(field)}-error`} className="field-error">
      {messages.join('; ')}
    </p>
  );
}
