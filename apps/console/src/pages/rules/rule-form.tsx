import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useRef, useState, type FormEvent } from 'react';
import type { AlertRule, AlertRuleInput, Match, Severity } from '@daalu/client';
import { ApiError } from '../../api/client';
import { Confirm } from '../../ui/confirm';
import { conditionDrafts, number, payloadConditions, type ConditionDraft } from '../../ui/conditions';
import { EventTypeHint, EventTypeOptions } from '../../ui/event-types';
import { focusHeadingNext, useFocusFirstInvalid } from '../../ui/focus';
import { BackLabel, PageHeader } from '../../ui/page-header';
import { attrsForField, idForField, NamedField, PayloadConditionsEditor } from '../../ui/payload-conditions';
import { FieldErrors, Loading, ProblemMessage, StatusLabel } from '../../ui/states';
import { createRule, deleteRule, describeRule, getRule, replaceRule, rulesKey, SEVERITIES } from './api';
import './rules.css';

/** `/rules/new`: a new alert rule. */
export function NewRulePage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: createRule,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: rulesKey });
      // The form (and its button) goes: the rules page's heading takes the focus.
      focusHeadingNext();
      await navigate({ to: '/rules' });
    },
  });
  return (
    <div className="rules-area">
      <PageHeader back={<BackToRules />} title="New alert rule" />
      <RuleForm
        initial={EMPTY}
        submitLabel="Create rule"
        saving={save.isPending}
        error={save.error}
        onSave={save.mutate}
      />
    </div>
  );
}

/** `/rules/$ruleId`: a rule's form, to change it (the whole rule is replaced, as a new version) or delete it. */
export function EditRulePage() {
  const { ruleId } = useParams({ from: '/app/rules/$ruleId' });
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // Read fresh on opening, then left alone while the form is open: a change made elsewhere meanwhile must
  // not silently replace what is being typed; saving detects it instead (replaceRule's version check).
  const rule = useQuery({
    queryKey: [...rulesKey, ruleId],
    queryFn: () => getRule(ruleId),
    staleTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
  // Each load (and reload after a conflict) starts the form again from the rule as stored.
  const [formKey, setFormKey] = useState(0);
  const save = useMutation({
    mutationFn: (spec: AlertRuleInput) => replaceRule(ruleId, rule.data!.version, spec),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: rulesKey });
      focusHeadingNext();
      await navigate({ to: '/rules' });
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteRule(ruleId),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: [...rulesKey, ruleId] });
      await queryClient.invalidateQueries({ queryKey: rulesKey });
      focusHeadingNext();
      await navigate({ to: '/rules' });
    },
  });
  const conflict = save.error instanceof ApiError && save.error.status === 409;
  return (
    <div className="rules-area">
      {rule.isPending ? (
        <>
          <PageHeader back={<BackToRules />} title="Alert rule" />
          <Loading what="the alert rule" />
        </>
      ) : rule.isError ? (
        <>
          <PageHeader back={<BackToRules />} title="Alert rule" />
          <ProblemMessage error={rule.error} />
        </>
      ) : (
        <>
          <PageHeader
            back={<BackToRules />}
            title={`Alert rule: ${rule.data.name}`}
            badge={<StatusLabel status={rule.data.enabled ? 'enabled' : 'disabled'} />}
            description={
              <p>
                Version {rule.data.version}. {describeRule(rule.data)}.{' '}
                <Link to="/alerts" search={{ ruleId: rule.data.id }}>
                  Alerts of this rule
                </Link>
              </p>
            }
          />
          {conflict && (
            <div className="notice" role="status">
              <p>
                Your changes were not saved: someone else changed this rule while you were editing it. Reload it to see
                their version, then make your change again.
              </p>
              <button
                type="button"
                className="secondary"
                onClick={async () => {
                  await rule.refetch();
                  save.reset();
                  setFormKey((k) => k + 1);
                }}
              >
                Reload the rule
              </button>
            </div>
          )}
          <RuleForm
            key={`${rule.data.version}-${formKey}`}
            initial={fromRule(rule.data)}
            submitLabel="Save changes"
            saving={save.isPending}
            error={save.error}
            onSave={save.mutate}
          />
          <section className="card danger-zone" aria-labelledby="delete-rule-title">
            <h2 id="delete-rule-title">Delete</h2>
            <div className="danger-zone-row">
              <p>Deleting the rule resolves the alerts it has firing.</p>
              <Confirm
                trigger={
                  // aria-disabled, not disabled: a focused button that gets disabled drops focus to <body>.
                  <button type="button" className="danger" aria-disabled={remove.isPending || undefined}>
                    Delete rule
                  </button>
                }
                title={`Delete “${rule.data.name}”?`}
                description={
                  <p>The rule stops judging events at once and its firing alerts resolve. This cannot be undone.</p>
                }
                confirmLabel="Delete rule"
                onConfirm={() => {
                  if (!remove.isPending) remove.mutate();
                }}
              />
            </div>
            <ProblemMessage error={remove.error} />
          </section>
        </>
      )}
    </div>
  );
}

function BackToRules() {
  return (
    <Link to="/rules">
      <BackLabel to="Alert rules" />
    </Link>
  );
}

interface ConditionsDraft {
  type: string;
  module: string;
  source: string;
  minSeverity: '' | Severity;
  payload: ConditionDraft[];
}
interface Draft {
  name: string;
  kind: 'match' | 'absence';
  enabled: boolean;
  match: ConditionsDraft;
  useThreshold: boolean;
  count: string;
  windowSeconds: string;
  groupBy: string;
  severity: Severity;
  summary: string;
  resolveBy: 'none' | 'match' | 'quiet';
  resolveMatch: ConditionsDraft;
  quietSeconds: string;
  /** An absence rule: expected every `everySeconds`, or on a cron `schedule` in a `timezone`. */
  expectBy: 'period' | 'cron';
  everySeconds: string;
  schedule: string;
  timezone: string;
  graceSeconds: string;
  maxRunSeconds: string;
}

const NO_CONDITIONS: ConditionsDraft = { type: '', module: '', source: '', minSeverity: '', payload: [] };
const EMPTY: Draft = {
  name: '',
  kind: 'match',
  enabled: true,
  match: NO_CONDITIONS,
  useThreshold: false,
  count: '5',
  windowSeconds: '600',
  groupBy: '',
  severity: 'warning',
  summary: '',
  resolveBy: 'none',
  resolveMatch: NO_CONDITIONS,
  quietSeconds: '900',
  expectBy: 'period',
  everySeconds: '',
  schedule: '',
  timezone: 'UTC',
  graceSeconds: '0',
  maxRunSeconds: '',
};

function fromConditions(c: Match): ConditionsDraft {
  return {
    type: c.type ?? '',
    module: c.module ?? '',
    source: c.source ?? '',
    minSeverity: c.minSeverity ?? '',
    payload: conditionDrafts(c.payload),
  };
}

function fromRule(rule: AlertRule): Draft {
  const resolve = rule.resolve;
  return {
    ...EMPTY,
    name: rule.name,
    kind: rule.kind,
    enabled: rule.enabled,
    match: fromConditions(rule.match),
    useThreshold: !!rule.threshold,
    count: String(rule.threshold?.count ?? EMPTY.count),
    windowSeconds: String(rule.threshold?.windowSeconds ?? EMPTY.windowSeconds),
    groupBy: rule.groupBy ?? '',
    severity: rule.alert.severity,
    summary: rule.alert.summary,
    resolveBy: !resolve ? 'none' : resolve.match ? 'match' : 'quiet',
    resolveMatch: resolve?.match ? fromConditions(resolve.match) : NO_CONDITIONS,
    quietSeconds: resolve?.quietSeconds !== undefined ? String(resolve.quietSeconds) : EMPTY.quietSeconds,
    expectBy: rule.schedule ? 'cron' : 'period',
    everySeconds: rule.everySeconds === undefined ? '' : String(rule.everySeconds),
    schedule: rule.schedule ?? '',
    timezone: rule.timezone || 'UTC',
    graceSeconds: String(rule.graceSeconds ?? 0),
    maxRunSeconds: rule.maxRunSeconds === undefined ? '' : String(rule.maxRunSeconds),
  };
}

function toConditions(c: ConditionsDraft): Match {
  return {
    ...(c.type.trim() ? { type: c.type.trim() } : {}),
    ...(c.module.trim() ? { module: c.module.trim() } : {}),
    ...(c.source.trim() ? { source: c.source.trim() } : {}),
    ...(c.minSeverity ? { minSeverity: c.minSeverity } : {}),
    ...(c.payload.length ? { payload: payloadConditions(c.payload) } : {}),
  };
}

function toSpec(d: Draft): AlertRuleInput {
  const spec: AlertRuleInput = {
    name: d.name.trim(),
    kind: d.kind,
    enabled: d.enabled,
    match: toConditions(d.match),
    ...(d.groupBy.trim() ? { groupBy: d.groupBy.trim() } : {}),
    alert: { severity: d.severity, summary: d.summary },
  };
  // Numbers go as typed when they are not numbers: the API's 400 then names the field.
  const asNumber = (text: string) => number(text) as number;
  if (d.kind === 'match') {
    if (d.useThreshold) spec.threshold = { count: asNumber(d.count), windowSeconds: asNumber(d.windowSeconds) };
    if (d.resolveBy === 'match') spec.resolve = { match: toConditions(d.resolveMatch) };
    if (d.resolveBy === 'quiet') spec.resolve = { quietSeconds: asNumber(d.quietSeconds) };
  } else {
    if (d.expectBy === 'period') spec.everySeconds = asNumber(d.everySeconds);
    else {
      spec.schedule = d.schedule.trim();
      spec.timezone = d.timezone.trim() || 'UTC';
    }
    if (d.graceSeconds.trim()) spec.graceSeconds = asNumber(d.graceSeconds);
    if (d.maxRunSeconds.trim()) spec.maxRunSeconds = asNumber(d.maxRunSeconds);
  }
  return spec;
}

const idFor = idForField;
const describedBy = attrsForField;
const Field = NamedField;

/** The `<datalist>` of the tenant's event types, which the type inputs offer. */
const EVENT_TYPES_LIST = 'rule-event-types';
const TIME_ZONES_LIST = 'rule-time-zones';

/** The browser's IANA time zones, offered by the time zone input (any other name may still be typed). */
function TimeZoneOptions() {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return (
    <datalist id={TIME_ZONES_LIST}>
      {['UTC', ...zones.filter((z) => z !== 'UTC')].map((zone) => (
        <option key={zone} value={zone} />
      ))}
    </datalist>
  );
}

/** The fields of one set of conditions (`match` or `resolve.match`), named as the API names them. */
function ConditionsFields(props: {
  at: 'match' | 'resolve.match';
  value: ConditionsDraft;
  onChange: (value: ConditionsDraft) => void;
  error: unknown;
}) {
  const { at, value, onChange, error } = props;
  const set = (patch: Partial<ConditionsDraft>) => onChange({ ...value, ...patch });
  const prefix = at === 'match' ? '' : 'Resolving ';
  return (
    <>
      <div className="field-grid">
        <Field
          field={`${at}.type`}
          label={`${prefix}Event type`}
          help="Exact, or a glob: * stands for any run of characters (deploy.*, *.failed). Empty: any type."
          error={error}
        >
          <input
            {...describedBy(error, `${at}.type`, true)}
            list={EVENT_TYPES_LIST}
            autoComplete="off"
            value={value.type}
            onChange={(e) => set({ type: e.target.value })}
          />
          <EventTypeHint value={value.type} />
        </Field>
        <Field field={`${at}.module`} label={`${prefix}Module`} help="Exactly this module. Empty: any." error={error}>
          <input
            {...describedBy(error, `${at}.module`, true)}
            value={value.module}
            onChange={(e) => set({ module: e.target.value })}
          />
        </Field>
        <Field field={`${at}.source`} label={`${prefix}Source`} help="Exactly this source. Empty: any." error={error}>
          <input
            {...describedBy(error, `${at}.source`, true)}
            value={value.source}
            onChange={(e) => set({ source: e.target.value })}
          />
        </Field>
        <Field field={`${at}.minSeverity`} label={`${prefix}Minimum event severity`} error={error}>
          <select
            {...describedBy(error, `${at}.minSeverity`)}
            value={value.minSeverity}
            onChange={(e) => set({ minSeverity: e.target.value as ConditionsDraft['minSeverity'] })}
          >
            <option value="">Any severity</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s} or higher
              </option>
            ))}
          </select>
        </Field>
      </div>
      <PayloadConditionsEditor
        at={at}
        labelPrefix={prefix}
        value={value.payload}
        onChange={(payload) => set({ payload })}
        error={error}
      />
    </>
  );
}

/** The one form of both kinds of rule; every field named as the API names it, its errors next to it. */
function RuleForm(props: {
  initial: Draft;
  submitLabel: string;
  saving: boolean;
  error: unknown;
  onSave: (spec: AlertRuleInput) => void;
}) {
  const [draft, setDraft] = useState<Draft>(props.initial);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const { error } = props;
  // A refused save: the first field it names takes focus (else the problem message), its words beside it.
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!props.saving) props.onSave(toSpec(draft));
  };
  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="Alert rule">
      <EventTypeOptions id={EVENT_TYPES_LIST} />
      <Field field="name" label="Name (required)" error={error}>
        <input
          {...describedBy(error, 'name')}
          required
          maxLength={200}
          value={draft.name}
          onChange={(e) => set({ name: e.target.value })}
        />
      </Field>
      <fieldset className="field" aria-describedby={`${idFor('kind')}-help`}>
        <legend>Kind</legend>
        <label className="choice">
          <input type="radio" name="kind" checked={draft.kind === 'match'} onChange={() => set({ kind: 'match' })} />{' '}
          Match: alert when events match
        </label>
        <label className="choice">
          <input
            type="radio"
            name="kind"
            checked={draft.kind === 'absence'}
            onChange={() => set({ kind: 'absence' })}
          />{' '}
          Absence: alert when expected events stop (dead-man’s switch)
        </label>
        <p className="help" id={`${idFor('kind')}-help`}>
          The kind decides which of the fields below apply.
        </p>
        <FieldErrors id={`${idFor('kind')}-error`} error={error} field="kind" />
      </fieldset>
      <div className="field">
        <label className="choice">
          <input
            type="checkbox"
            {...describedBy(error, 'enabled')}
            checked={draft.enabled}
            onChange={(e) => set({ enabled: e.target.checked })}
          />{' '}
          Enabled
        </label>
        <FieldErrors id={`${idFor('enabled')}-error`} error={error} field="enabled" />
      </div>

      <h2>{draft.kind === 'match' ? 'Events that fire it' : 'Events it expects'}</h2>
      <ConditionsFields at="match" value={draft.match} onChange={(match) => set({ match })} error={error} />

      {draft.kind === 'match' ? (
        <>
          <h2>How often</h2>
          <div className="field">
            <label className="choice">
              <input
                type="checkbox"
                checked={draft.useThreshold}
                onChange={(e) => set({ useThreshold: e.target.checked })}
              />{' '}
              Fire only after several matches within a window
            </label>
            <FieldErrors id={`${idFor('threshold')}-error`} error={error} field="threshold" />
          </div>
          {draft.useThreshold && (
            <div className="field-grid">
              <Field field="threshold.count" label="Matches" help="1 to 100,000." error={error}>
                <input
                  {...describedBy(error, 'threshold.count', true)}
                  type="number"
                  min={1}
                  max={100000}
                  value={draft.count}
                  onChange={(e) => set({ count: e.target.value })}
                />
              </Field>
              <Field
                field="threshold.windowSeconds"
                label="Within (seconds)"
                help="1 to 604,800 (7 days)."
                error={error}
              >
                <input
                  {...describedBy(error, 'threshold.windowSeconds', true)}
                  type="number"
                  min={1}
                  max={604800}
                  value={draft.windowSeconds}
                  onChange={(e) => set({ windowSeconds: e.target.value })}
                />
              </Field>
            </div>
          )}
        </>
      ) : (
        <>
          <h2>When it is expected</h2>
          <p className="help" id="absence-signals">
            Its events are the check’s pings: an event of the type above is a <strong>success</strong> ping; one of type{' '}
            <code>&lt;type&gt;.failed</code>, or of severity <code>critical</code>, is a <strong>failure</strong> signal
            and fires the alert at once; <code>&lt;type&gt;.started</code> <strong>starts a run</strong>, so its
            duration is recorded (and, with a maximum run time, a run that never finishes fires).{' '}
            <Link to="/checks">The heartbeat checks</Link> show each one’s state and last pings.
          </p>
          <fieldset className="field" aria-describedby={`${idFor('schedule')}-choice-help`}>
            <legend>Period / Cron schedule</legend>
            <label className="choice">
              <input
                type="radio"
                name="expectBy"
                checked={draft.expectBy === 'period'}
                onChange={() => set({ expectBy: 'period' })}
              />{' '}
              Period: every so many seconds after the last ping
            </label>
            <label className="choice">
              <input
                type="radio"
                name="expectBy"
                checked={draft.expectBy === 'cron'}
                onChange={() => set({ expectBy: 'cron' })}
              />{' '}
              Cron schedule: at set times (a nightly job)
            </label>
            <p className="help" id={`${idFor('schedule')}-choice-help`}>
              One or the other: a period for jobs that run every few minutes or hours, a schedule for jobs that run at
              fixed times.
            </p>
          </fieldset>
          <div className="field-grid">
            {draft.expectBy === 'period' ? (
              <Field
                field="everySeconds"
                label="Expected every (seconds, required)"
                help="1 to 2,592,000 (30 days)."
                error={error}
              >
                <input
                  {...describedBy(error, 'everySeconds', true)}
                  type="number"
                  min={1}
                  required
                  value={draft.everySeconds}
                  onChange={(e) => set({ everySeconds: e.target.value })}
                />
              </Field>
            ) : (
              <>
                <Field
                  field="schedule"
                  label="Cron schedule (required)"
                  help={
                    <>
                      5 fields: minute hour day-of-month month day-of-week. <code>0 9 * * *</code>: every day at 09:00;{' '}
                      <code>30 2 * * 1-5</code>: weekdays at 02:30; also <code>@hourly</code>, <code>@daily</code>,{' '}
                      <code>@weekly</code>. A ping is expected by each time it names.
                    </>
                  }
                  error={error}
                >
                  <input
                    {...describedBy(error, 'schedule', true)}
                    required
                    autoComplete="off"
                    spellCheck={false}
                    placeholder="0 9 * * *"
                    value={draft.schedule}
                    onChange={(e) => set({ schedule: e.target.value })}
                  />
                </Field>
                <Field
                  field="timezone"
                  label="Time zone"
                  help="An IANA name (Europe/Berlin, America/New_York); UTC when empty."
                  error={error}
                >
                  <input
                    {...describedBy(error, 'timezone', true)}
                    list={TIME_ZONES_LIST}
                    autoComplete="off"
                    value={draft.timezone}
                    onChange={(e) => set({ timezone: e.target.value })}
                  />
                  <TimeZoneOptions />
                </Field>
              </>
            )}
            <Field
              field="graceSeconds"
              label="Grace (seconds)"
              help="How late it may be before it fires; 0 when empty."
              error={error}
            >
              <input
                {...describedBy(error, 'graceSeconds', true)}
                type="number"
                min={0}
                value={draft.graceSeconds}
                onChange={(e) => set({ graceSeconds: e.target.value })}
              />
            </Field>
            <Field
              field="maxRunSeconds"
              label="Maximum run time (seconds, optional)"
              help={
                <>
                  A run that sent <code>&lt;type&gt;.started</code> but no success within this long fires. 1 to 604,800
                  (7 days); empty: no limit.
                </>
              }
              error={error}
            >
              <input
                {...describedBy(error, 'maxRunSeconds', true)}
                type="number"
                min={1}
                value={draft.maxRunSeconds}
                onChange={(e) => set({ maxRunSeconds: e.target.value })}
              />
            </Field>
          </div>
        </>
      )}

      <Field
        field="groupBy"
        label="Group by"
        help={
          <>
            One alert per value of <code>type</code>, <code>module</code>, <code>source</code> or{' '}
            <code>payload.&lt;path&gt;</code> (e.g. <code>payload.host</code>). Empty: one alert for the rule.
          </>
        }
        error={error}
      >
        <input
          {...describedBy(error, 'groupBy', true)}
          value={draft.groupBy}
          onChange={(e) => set({ groupBy: e.target.value })}
        />
      </Field>

      <h2>The alert</h2>
      <Field field="alert.severity" label="Alert severity" error={error}>
        <select
          {...describedBy(error, 'alert.severity')}
          value={draft.severity}
          onChange={(e) => set({ severity: e.target.value as Severity })}
        >
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </Field>
      <Field
        field="alert.summary"
        label="Summary template (required)"
        help={
          draft.kind === 'match' ? (
            <>
              Filled from the event that fires it: <code>{'{{payload.<path>}}'}</code>, <code>{'{{type}}'}</code>,{' '}
              <code>{'{{module}}'}</code>, <code>{'{{source}}'}</code>, <code>{'{{severity}}'}</code>,{' '}
              <code>{'{{summary}}'}</code>, <code>{'{{count}}'}</code>.
            </>
          ) : (
            <>
              No event fires an absence alert, so only the group’s placeholder has a value: the one that Group by names
              (e.g. <code>{'{{payload.host}} silent'}</code> with Group by <code>payload.host</code>). Other
              placeholders are empty.
            </>
          )
        }
        error={error}
      >
        <textarea
          {...describedBy(error, 'alert.summary', true)}
          required
          rows={2}
          maxLength={1024}
          value={draft.summary}
          onChange={(e) => set({ summary: e.target.value })}
        />
      </Field>

      {draft.kind === 'match' && (
        <>
          <h2>How it resolves</h2>
          <fieldset className="field" aria-describedby={`${idFor('resolve')}-error`}>
            <legend>Resolve</legend>
            <label className="choice">
              <input
                type="radio"
                name="resolveBy"
                checked={draft.resolveBy === 'none'}
                onChange={() => set({ resolveBy: 'none' })}
              />{' '}
              Never by itself (stays firing)
            </label>
            <label className="choice">
              <input
                type="radio"
                name="resolveBy"
                checked={draft.resolveBy === 'match'}
                onChange={() => set({ resolveBy: 'match' })}
              />{' '}
              When a resolving event arrives
            </label>
            <label className="choice">
              <input
                type="radio"
                name="resolveBy"
                checked={draft.resolveBy === 'quiet'}
                onChange={() => set({ resolveBy: 'quiet' })}
              />{' '}
              After a quiet period without matches
            </label>
            <FieldErrors id={`${idFor('resolve')}-error`} error={error} field="resolve" />
          </fieldset>
          {draft.resolveBy === 'match' && (
            <ConditionsFields
              at="resolve.match"
              value={draft.resolveMatch}
              onChange={(resolveMatch) => set({ resolveMatch })}
              error={error}
            />
          )}
          {draft.resolveBy === 'quiet' && (
            <Field
              field="resolve.quietSeconds"
              label="Quiet period (seconds)"
              help="1 to 2,592,000 (30 days)."
              error={error}
            >
              <input
                {...describedBy(error, 'resolve.quietSeconds', true)}
                type="number"
                min={1}
                value={draft.quietSeconds}
                onChange={(e) => set({ quietSeconds: e.target.value })}
              />
            </Field>
          )}
        </>
      )}

      {error instanceof ApiError && error.status === 400 && (
        <p className="field-error">Nothing was saved: correct the fields marked above.</p>
      )}
      <ProblemMessage error={error} />
      <div className="row">
        {/* aria-disabled, not disabled, while saving: a disabled button would drop the focus to the page. */}
        <button type="submit" aria-disabled={props.saving || undefined}>
          {props.saving ? 'Saving…' : props.submitLabel}
        </button>
        <Link to="/rules" className="button secondary">
          Cancel
        </Link>
      </div>
    </form>
  );
}
