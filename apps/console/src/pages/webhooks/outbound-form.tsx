import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { CreatedWebhook, Severity, Webhook, WebhookInput } from '@daalu/client';
import { ApiError, daalu, data } from '../../api/client';
import { conditionDrafts, number, payloadConditions, type ConditionDraft } from '../../ui/conditions';
import { EventTypeHint, EventTypeOptions } from '../../ui/event-types';
import { Field, fieldAttrs } from '../../ui/field';
import { focusHeadingNext, useFocusFirstInvalid } from '../../ui/focus';
import { BackLabel, PageHeader } from '../../ui/page-header';
import { PayloadConditionsEditor } from '../../ui/payload-conditions';
import { FieldErrors, Loading, ProblemMessage } from '../../ui/states';
import { useWebhook, webhookKeys, webhookName, type AlertState, type ProposalState } from './api';
import { HealthLabel } from './health';
import { SecretValue } from './secret-value';
import { VerifySnippets } from './verify-snippets';

const SEVERITIES: Severity[] = ['info', 'warning', 'critical'];
const ALERT_STATES: AlertState[] = ['fired', 'resolved'];
const PROPOSAL_STATES: ProposalState[] = ['created', 'approved', 'rejected'];

interface HeaderRow {
  key: number;
  name: string;
  value: string;
  /** A header the webhook has: its value is never shown, and is kept unless a new one is typed. */
  stored: boolean;
}

interface FormState {
  url: string;
  description: string;
  enabled: boolean;
  alertsOn: boolean;
  alertsMinSeverity: '' | Severity;
  alertsStates: AlertState[];
  proposalsOn: boolean;
  proposalsKinds: string;
  proposalsStates: ProposalState[];
  eventsOn: boolean;
  eventsType: string;
  eventsModule: string;
  eventsSource: string;
  eventsMinSeverity: '' | Severity;
  eventsPayload: ConditionDraft[];
  headers: HeaderRow[];
  /** How many custom headers the webhook has stored (0 when new). */
  storedHeaders: number;
  template: string;
  batchOn: boolean;
  maxEvents: string;
  maxSeconds: string;
  /** This webhook's own delivery settings; empty: the platform's. */
  ratePerSecond: string;
  timeoutMs: string;
  retryWindowS: string;
}

let nextKey = 1;

function emptyForm(): FormState {
  return {
    url: '',
    description: '',
    enabled: true,
    alertsOn: true,
    alertsMinSeverity: '',
    alertsStates: ['fired'],
    proposalsOn: false,
    proposalsKinds: '',
    proposalsStates: ['created'],
    eventsOn: false,
    eventsType: '',
    eventsModule: '',
    eventsSource: '',
    eventsMinSeverity: '',
    eventsPayload: [],
    headers: [],
    storedHeaders: 0,
    template: '',
    batchOn: false,
    maxEvents: '100',
    maxSeconds: '5',
    ratePerSecond: '',
    timeoutMs: '',
    retryWindowS: '',
  };
}

function formOf(webhook: Webhook): FormState {
  const { alerts, proposals, events } = webhook.trigger;
  return {
    ...emptyForm(),
    url: webhook.url,
    description: webhook.description,
    enabled: webhook.enabled,
    alertsOn: !!alerts,
    alertsMinSeverity: alerts?.minSeverity ?? '',
    alertsStates: alerts?.states ?? ['fired'],
    proposalsOn: !!proposals,
    proposalsKinds: proposals?.kinds?.join(', ') ?? '',
    proposalsStates: proposals?.states ?? ['created'],
    eventsOn: !!events,
    eventsType: events?.type ?? '',
    eventsModule: events?.module ?? '',
    eventsSource: events?.source ?? '',
    eventsMinSeverity: events?.minSeverity ?? '',
    eventsPayload: conditionDrafts(events?.payload),
    headers: Object.keys(webhook.headers).map((name) => ({ key: nextKey++, name, value: '', stored: true })),
    storedHeaders: Object.keys(webhook.headers).length,
    template: webhook.template ? JSON.stringify(webhook.template.fields, null, 2) : '',
    batchOn: !!webhook.batch,
    maxEvents: String(webhook.batch?.maxEvents ?? 100),
    maxSeconds: String(webhook.batch?.maxSeconds ?? 5),
    ratePerSecond: webhook.delivery?.ratePerSecond?.toString() ?? '',
    timeoutMs: webhook.delivery?.timeoutMs?.toString() ?? '',
    retryWindowS: webhook.delivery?.retryWindowS?.toString() ?? '',
  };
}

/**
 * Whether the custom headers differ from the stored ones: a new row, a removed one, or a new value. If
 * not, the PUT leaves `headers` out and the stored values stay (they cannot be read back to resend).
 */
function headersChanged(form: FormState): boolean {
  return form.headers.length !== form.storedHeaders || form.headers.some((row) => !row.stored || row.value !== '');
}

/** Problems found before sending (the API checks everything again): same shape as the API's. */
function localProblems(form: FormState): ApiError | null {
  const fields: Array<{ field: string; message: string }> = [];
  if (form.template.trim()) {
    try {
      const parsed: unknown = JSON.parse(form.template);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        fields.push({ field: 'template.fields', message: 'the template must be a JSON object ({ … })' });
      }
    } catch (error) {
      fields.push({ field: 'template.fields', message: `not valid JSON: ${(error as Error).message}` });
    }
  }
  if (headersChanged(form)) {
    for (const row of form.headers) {
      if (row.stored && row.value === '') {
        fields.push({
          field: `headers.${row.name}`,
          message:
            'stored values cannot be read back: to change the headers, type this value again or remove the header',
        });
      }
      if (row.name.trim() === '') fields.push({ field: 'headers', message: 'every header needs a name' });
    }
  }
  return fields.length ? new ApiError(400, 'Check the form', undefined, fields) : null;
}

function bodyOf(form: FormState): WebhookInput {
  const kinds = form.proposalsKinds
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const text = (value: string) => (value.trim() ? value.trim() : undefined);
  return {
    url: form.url.trim(),
    description: form.description,
    enabled: form.enabled,
    trigger: {
      ...(form.alertsOn
        ? {
            alerts: {
              ...(form.alertsMinSeverity ? { minSeverity: form.alertsMinSeverity } : {}),
              states: form.alertsStates,
            },
          }
        : {}),
      ...(form.proposalsOn ? { proposals: { ...(kinds.length ? { kinds } : {}), states: form.proposalsStates } } : {}),
      ...(form.eventsOn
        ? {
            events: {
              type: text(form.eventsType),
              module: text(form.eventsModule),
              source: text(form.eventsSource),
              minSeverity: form.eventsMinSeverity || undefined,
              ...(form.eventsPayload.length ? { payload: payloadConditions(form.eventsPayload) } : {}),
            },
          }
        : {}),
    },
    // Without `headers`, the PUT keeps the stored ones (their values are never read back).
    ...(headersChanged(form)
      ? { headers: Object.fromEntries(form.headers.map((row) => [row.name.trim(), row.value])) }
      : {}),
    ...(form.template.trim() ? { template: { fields: JSON.parse(form.template) as Record<string, unknown> } } : {}),
    ...(form.batchOn ? { batch: { maxEvents: Number(form.maxEvents), maxSeconds: Number(form.maxSeconds) } } : {}),
    ...deliveryOf(form),
  };
}

/**
 * The webhook's own delivery settings, those filled in; none: the platform's. What is not a number goes
 * as typed, so the API's 400 names the field.
 */
function deliveryOf(form: FormState): Pick<WebhookInput, 'delivery'> {
  const delivery = {
    ratePerSecond: number(form.ratePerSecond) as number | undefined,
    timeoutMs: number(form.timeoutMs) as number | undefined,
    retryWindowS: number(form.retryWindowS) as number | undefined,
  };
  const given = Object.fromEntries(Object.entries(delivery).filter(([, value]) => value !== undefined));
  return Object.keys(given).length ? { delivery: given } : {};
}

export function NewOutboundPage() {
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  return (
    <>
      <PageHeader
        back={
          <Link to="/webhooks" search={{ tab: 'outbound' }}>
            <BackLabel to="Webhooks" />
          </Link>
        }
        title="Add outbound webhook"
      />
      {created ? (
        <Created webhook={created} />
      ) : (
        <WebhookForm
          initial={emptyForm()}
          submitLabel="Create webhook"
          onSaved={(w) => setCreated(w as CreatedWebhook)}
        />
      )}
    </>
  );
}

/**
 * Right after creating: the signing secret (this once; masked until Reveal, which needs no request
 * here) and how to verify a delivery with it. Its heading takes focus, as the form it replaces had it.
 */
function Created({ webhook }: { webhook: CreatedWebhook }) {
  const [revealed, setRevealed] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="card" aria-labelledby="created-title">
      <h2 id="created-title" ref={heading} tabIndex={-1}>
        Webhook created
      </h2>
      <p>
        Its signing secret, to verify the <code>X-Daalu-Signature</code> and <code>webhook-signature</code> headers:
      </p>
      <SecretValue
        secret={revealed ? webhook.secret : null}
        onReveal={() => setRevealed(true)}
        onHide={() => setRevealed(false)}
        testId="secret"
      />
      <p className="once">
        <strong>Copy it now: you will not see it again here.</strong> Reveal on the webhook&apos;s page shows it again,
        and each reveal is audited (recorded with who asked).
      </p>
      <h3>Verify a delivery</h3>
      <VerifySnippets secret={revealed ? webhook.secret : null} />
      <div className="actions">
        <Link to="/webhooks/outbound/$webhookId" params={{ webhookId: webhook.id }} className="button">
          Open the webhook
        </Link>
      </div>
    </section>
  );
}

export function EditOutboundPage() {
  const { webhookId } = useParams({ from: '/app/webhooks/outbound/$webhookId/edit' });
  const webhook = useWebhook(webhookId);
  const navigate = useNavigate();
  return (
    <>
      <PageHeader
        back={
          <Link to="/webhooks/outbound/$webhookId" params={{ webhookId }}>
            <BackLabel to={webhook.data ? webhookName(webhook.data) : 'the webhook'} />
          </Link>
        }
        title={webhook.data ? `Edit ${webhookName(webhook.data)}` : 'Edit outbound webhook'}
        badge={webhook.data && <HealthLabel health={webhook.data.health} />}
      />
      {webhook.isPending && <Loading what="the webhook" />}
      {webhook.isError && <ProblemMessage error={webhook.error} />}
      {webhook.data && (
        <WebhookForm
          key={webhook.data.version}
          webhookId={webhookId}
          disabledReason={webhook.data.enabled ? undefined : (webhook.data.health.disabledReason ?? undefined)}
          initial={formOf(webhook.data)}
          submitLabel="Save changes"
          onSaved={() => {
            focusHeadingNext();
            void navigate({ to: '/webhooks/outbound/$webhookId', params: { webhookId } });
          }}
        />
      )}
    </>
  );
}

/** "At least this severity", or any: the alerts and events triggers each have one. */
function MinSeveritySelect(props: {
  id: string;
  label: string;
  field: string;
  error: ApiError | null;
  value: '' | Severity;
  onChange: (value: '' | Severity) => void;
}) {
  return (
    <Field id={props.id} label={props.label} field={props.field} error={props.error}>
      <select
        {...fieldAttrs(props.error, props.field, props.id)}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value as '' | Severity)}
      >
        <option value="">any severity</option>
        {SEVERITIES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Errors of exactly this field (not its sub-fields, which show next to their own inputs). */
function OwnErrors({ id, error, field }: { id: string; error: ApiError | null; field: string }) {
  const messages = error?.fields.filter((f) => f.field === field).map((f) => f.message) ?? [];
  if (messages.length === 0) return null;
  return (
    <p id={id} className="field-error">
      {messages.join('; ')}
    </p>
  );
}

/** The `<datalist>` of the tenant's event types, which the event type input offers. */
const EVENT_TYPES_LIST = 'webhook-event-types';

function WebhookForm(props: {
  initial: FormState;
  webhookId?: string;
  /** Why it is disabled, when it is. */
  disabledReason?: string;
  submitLabel: string;
  onSaved: (webhook: Webhook | CreatedWebhook) => void;
}) {
  const [form, setForm] = useState<FormState>(props.initial);
  const [localError, setLocalError] = useState<ApiError | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (body: WebhookInput): Promise<Webhook | CreatedWebhook> =>
      props.webhookId
        ? data(daalu.PUT('/api/v1/webhooks/{id}', { params: { path: { id: props.webhookId } }, body }))
        : data(daalu.POST('/api/v1/webhooks', { body })),
    onSuccess: async (webhook) => {
      await queryClient.invalidateQueries({ queryKey: webhookKeys.list });
      props.onSaved(webhook);
    },
  });
  const error = localError ?? (save.error instanceof ApiError ? save.error : null);
  // A submit that failed: focus goes to the first field to fix (else the problem above the buttons).
  useFocusFirstInvalid(formRef, localError ?? save.error);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));
  const toggle = <T extends string>(list: T[], value: T, on: boolean) =>
    on ? [...list.filter((v) => v !== value), value] : list.filter((v) => v !== value);
  const setHeaders = (headers: HeaderRow[]) => setForm((f) => ({ ...f, headers }));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (save.isPending) return;
    const problems = localProblems(form);
    setLocalError(problems);
    if (problems) return;
    save.mutate(bodyOf(form));
  }

  return (
    <form ref={formRef} className="webhook-form" onSubmit={submit} noValidate aria-describedby="form-help">
      <p id="form-help" className="help">
        Daalu POSTs to this URL, signed, when the trigger below fires. Receivers on private or loopback addresses are
        refused.
      </p>
      <Field id="wh-url" label="URL" field="url" error={error} help="https:// or http://, a public address.">
        <input
          {...fieldAttrs(error, 'url', 'wh-url', 'wh-url-help')}
          type="url"
          required
          value={form.url}
          onChange={(e) => set('url', e.target.value)}
        />
      </Field>
      <Field id="wh-description" label="Description" field="description" error={error}>
        <input
          {...fieldAttrs(error, 'description', 'wh-description')}
          value={form.description}
          maxLength={500}
          onChange={(e) => set('description', e.target.value)}
        />
      </Field>
      <div className="field">
        <label className="check">
          <input
            type="checkbox"
            checked={form.enabled}
            aria-describedby={props.disabledReason ? 'wh-enabled-help' : undefined}
            onChange={(e) => set('enabled', e.target.checked)}
          />{' '}
          Enabled
        </label>
        {props.disabledReason && (
          <p id="wh-enabled-help" className="help">
            Disabled: {props.disabledReason}. Check Enabled and save to send to it again.
          </p>
        )}
        <FieldErrors id="wh-enabled-error" error={error} field="enabled" />
      </div>

      <fieldset aria-describedby="trigger-help trigger-error">
        <legend>Trigger</legend>
        <p id="trigger-help" className="help">
          When to send: any of alerts, proposals and events (at least one).
        </p>
        <OwnErrors id="trigger-error" error={error} field="trigger" />

        <fieldset>
          <legend>
            <label className="check">
              <input type="checkbox" checked={form.alertsOn} onChange={(e) => set('alertsOn', e.target.checked)} />{' '}
              Alerts
            </label>
          </legend>
          {form.alertsOn && (
            <>
              <div className="checks" role="group" aria-label="Alert states" aria-describedby="alerts-states-error">
                {ALERT_STATES.map((state) => (
                  <label key={state} className="check">
                    <input
                      type="checkbox"
                      checked={form.alertsStates.includes(state)}
                      onChange={(e) => set('alertsStates', toggle(form.alertsStates, state, e.target.checked))}
                    />{' '}
                    {state}
                  </label>
                ))}
              </div>
              <FieldErrors id="alerts-states-error" error={error} field="trigger.alerts.states" />
              <MinSeveritySelect
                id="alerts-severity"
                label="Alerts of at least"
                field="trigger.alerts.minSeverity"
                error={error}
                value={form.alertsMinSeverity}
                onChange={(value) => set('alertsMinSeverity', value)}
              />
            </>
          )}
        </fieldset>

        <fieldset>
          <legend>
            <label className="check">
              <input
                type="checkbox"
                checked={form.proposalsOn}
                onChange={(e) => set('proposalsOn', e.target.checked)}
              />{' '}
              Proposals
            </label>
          </legend>
          {form.proposalsOn && (
            <>
              <div
                className="checks"
                role="group"
                aria-label="Proposal states"
                aria-describedby="proposals-states-error"
              >
                {PROPOSAL_STATES.map((state) => (
                  <label key={state} className="check">
                    <input
                      type="checkbox"
                      checked={form.proposalsStates.includes(state)}
                      onChange={(e) => set('proposalsStates', toggle(form.proposalsStates, state, e.target.checked))}
                    />{' '}
                    {state}
                  </label>
                ))}
              </div>
              <FieldErrors id="proposals-states-error" error={error} field="trigger.proposals.states" />
              <Field
                id="proposals-kinds"
                label="Proposal kinds"
                field="trigger.proposals.kinds"
                error={error}
                help="Comma-separated; empty for every kind."
              >
                <input
                  {...fieldAttrs(error, 'trigger.proposals.kinds', 'proposals-kinds', 'proposals-kinds-help')}
                  value={form.proposalsKinds}
                  onChange={(e) => set('proposalsKinds', e.target.value)}
                />
              </Field>
            </>
          )}
        </fieldset>

        <fieldset>
          <legend>
            <label className="check">
              <input type="checkbox" checked={form.eventsOn} onChange={(e) => set('eventsOn', e.target.checked)} />{' '}
              Events
            </label>
          </legend>
          {form.eventsOn && (
            <>
              <p className="help">Leave every filter empty to send every event.</p>
              <EventTypeOptions id={EVENT_TYPES_LIST} />
              <Field
                id="events-type"
                label="Event type"
                field="trigger.events.type"
                error={error}
                help="Exact, or a glob: * stands for any run of characters (deploy.*). The types you sent are offered."
              >
                <input
                  {...fieldAttrs(error, 'trigger.events.type', 'events-type', 'events-type-help')}
                  list={EVENT_TYPES_LIST}
                  autoComplete="off"
                  value={form.eventsType}
                  onChange={(e) => set('eventsType', e.target.value)}
                />
                <EventTypeHint value={form.eventsType} />
              </Field>
              <Field id="events-module" label="Module" field="trigger.events.module" error={error}>
                <input
                  {...fieldAttrs(error, 'trigger.events.module', 'events-module')}
                  value={form.eventsModule}
                  onChange={(e) => set('eventsModule', e.target.value)}
                />
              </Field>
              <Field id="events-source" label="Source" field="trigger.events.source" error={error}>
                <input
                  {...fieldAttrs(error, 'trigger.events.source', 'events-source')}
                  value={form.eventsSource}
                  onChange={(e) => set('eventsSource', e.target.value)}
                />
              </Field>
              <MinSeveritySelect
                id="events-severity"
                label="Events of at least"
                field="trigger.events.minSeverity"
                error={error}
                value={form.eventsMinSeverity}
                onChange={(value) => set('eventsMinSeverity', value)}
              />
              <PayloadConditionsEditor
                at="trigger.events"
                value={form.eventsPayload}
                onChange={(payload) => set('eventsPayload', payload)}
                error={error}
              />
            </>
          )}
        </fieldset>
      </fieldset>

      <fieldset aria-describedby="headers-help">
        <legend>Custom headers</legend>
        <p id="headers-help" className="help">
          Sent with every delivery, e.g. an <code>Authorization</code> for a ticketing API. Stored sealed; their values
          are never shown again{props.webhookId ? ', and are kept as they are unless you change the headers' : ''}.
        </p>
        <OwnErrors id="headers-error" error={error} field="headers" />
        {form.headers.map((row, index) => {
          const nameId = `header-name-${row.key}`;
          const valueId = `header-value-${row.key}`;
          const field = `headers.${row.name.trim()}`;
          return (
            <div key={row.key} className="header-row" role="group" aria-label={`Header ${index + 1}`}>
              <div className="field">
                <label htmlFor={nameId}>Name</label>
                <input
                  id={nameId}
                  value={row.name}
                  readOnly={row.stored}
                  onChange={(e) =>
                    setHeaders(form.headers.map((h) => (h.key === row.key ? { ...h, name: e.target.value } : h)))
                  }
                />
              </div>
              <div className="field">
                <label htmlFor={valueId}>{row.stored ? 'New value' : 'Value'}</label>
                <input
                  {...fieldAttrs(error, field, valueId)}
                  aria-describedby={
                    [row.stored ? `${valueId}-help` : '', error?.forField(field).length ? `${valueId}-error` : '']
                      .filter(Boolean)
                      .join(' ') || undefined
                  }
                  type="password"
                  autoComplete="off"
                  placeholder={row.stored ? '•••••• (kept)' : ''}
                  value={row.value}
                  onChange={(e) =>
                    setHeaders(form.headers.map((h) => (h.key === row.key ? { ...h, value: e.target.value } : h)))
                  }
                />
                {row.stored && (
                  <span id={`${valueId}-help`} className="visually-hidden">
                    A value is stored and kept unless you type a new one.
                  </span>
                )}
              </div>
              <button
                type="button"
                className="secondary"
                onClick={() => setHeaders(form.headers.filter((h) => h.key !== row.key))}
              >
                Remove<span className="visually-hidden"> header {row.name || index + 1}</span>
              </button>
              <FieldErrors id={`${valueId}-error`} error={error} field={field} />
            </div>
          );
        })}
        <button
          type="button"
          className="secondary"
          onClick={() => setHeaders([...form.headers, { key: nextKey++, name: '', value: '', stored: false }])}
        >
          Add header
        </button>
      </fieldset>

      <Field
        id="wh-template"
        label="Body template (JSON)"
        field="template"
        error={error}
        help={
          <>
            Optional. A JSON object; strings may hold <code>{'{{summary}}'}</code>, <code>{'{{payload.service}}'}</code>
            , <code>{'{{delivery.id}}'}</code>… Empty: the default body <code>{'{id, type, tenantId, data}'}</code>.
          </>
        }
      >
        <textarea
          {...fieldAttrs(error, 'template', 'wh-template', 'wh-template-help')}
          rows={6}
          spellCheck={false}
          value={form.template}
          onChange={(e) => set('template', e.target.value)}
        />
      </Field>

      <fieldset aria-describedby="batch-help">
        <legend>
          <label className="check">
            <input type="checkbox" checked={form.batchOn} onChange={(e) => set('batchOn', e.target.checked)} /> Batch
            mode
          </label>
        </legend>
        <p id="batch-help" className="help">
          Many events per POST, as a JSON array: sent when it holds the most events, or when its oldest has waited the
          most seconds.
        </p>
        {form.batchOn && (
          <div className="filters">
            <Field id="batch-events" label="Most events per POST" field="batch.maxEvents" error={error} help="1–1000">
              <input
                {...fieldAttrs(error, 'batch.maxEvents', 'batch-events', 'batch-events-help')}
                type="number"
                min={1}
                max={1000}
                value={form.maxEvents}
                onChange={(e) => set('maxEvents', e.target.value)}
              />
            </Field>
            <Field
              id="batch-seconds"
              label="Most seconds to wait"
              field="batch.maxSeconds"
              error={error}
              help="0.1–300"
            >
              <input
                {...fieldAttrs(error, 'batch.maxSeconds', 'batch-seconds', 'batch-seconds-help')}
                type="number"
                min={0.1}
                max={300}
                step={0.1}
                value={form.maxSeconds}
                onChange={(e) => set('maxSeconds', e.target.value)}
              />
            </Field>
          </div>
        )}
      </fieldset>

      <fieldset aria-describedby="delivery-help">
        <legend>Delivery settings</legend>
        <p id="delivery-help" className="help">
          Optional, each within the platform&apos;s own (the lower applies). Empty: the platform&apos;s.
        </p>
        <OwnErrors id="delivery-error" error={error} field="delivery" />
        <div className="filters">
          <Field id="delivery-rate" label="POSTs per second" field="delivery.ratePerSecond" error={error} help="1–50">
            <input
              {...fieldAttrs(error, 'delivery.ratePerSecond', 'delivery-rate', 'delivery-rate-help')}
              type="number"
              min={1}
              max={50}
              value={form.ratePerSecond}
              onChange={(e) => set('ratePerSecond', e.target.value)}
            />
          </Field>
          <Field id="delivery-timeout" label="Timeout (ms)" field="delivery.timeoutMs" error={error} help="100–120000">
            <input
              {...fieldAttrs(error, 'delivery.timeoutMs', 'delivery-timeout', 'delivery-timeout-help')}
              type="number"
              min={100}
              max={120000}
              value={form.timeoutMs}
              onChange={(e) => set('timeoutMs', e.target.value)}
            />
          </Field>
          <Field
            id="delivery-window"
            label="Retry window (s)"
            field="delivery.retryWindowS"
            error={error}
            help="1–3600"
          >
            <input
              {...fieldAttrs(error, 'delivery.retryWindowS', 'delivery-window', 'delivery-window-help')}
              type="number"
              min={1}
              max={3600}
              value={form.retryWindowS}
              onChange={(e) => set('retryWindowS', e.target.value)}
            />
          </Field>
        </div>
      </fieldset>

      <ProblemMessage error={error} />
      <div className="actions form-actions">
        {/* aria-disabled, not disabled: a focused button that gets disabled drops focus to <body>. */}
        <button type="submit" aria-disabled={save.isPending || undefined}>
          {save.isPending ? 'Saving…' : props.submitLabel}
        </button>
        <Link
          to={props.webhookId ? '/webhooks/outbound/$webhookId' : '/webhooks'}
          params={props.webhookId ? { webhookId: props.webhookId } : undefined}
          search={props.webhookId ? undefined : { tab: 'outbound' }}
          className="button secondary"
        >
          Cancel
        </Link>
      </div>
    </form>
  );
}
