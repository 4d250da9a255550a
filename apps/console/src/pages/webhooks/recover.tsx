import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Webhook } from '@daalu/client';
import { ApiError, daalu, data } from '../../api/client';
import { LocalDateTimeInput, timeHelp } from '../../ui/datetime';
import { Field, fieldAttrs } from '../../ui/field';
import { useFocusFirstInvalid } from '../../ui/focus';
import { FieldErrors, ProblemMessage, StatusLabel } from '../../ui/states';
import { useRecovery, webhookKeys, type RecoverableState } from './api';

const RECOVERABLE: RecoverableState[] = ['failed', 'skipped'];

/** The longest retry window: a delivery that failed after a time may have been created this long before it. */
const MAX_RETRY_WINDOW_MS = 3_600_000;

/**
 * Where the form starts: an hour before the receiver started failing (or was disabled), so that the
 * deliveries created before their first failed attempt are in too; else a day ago.
 */
function defaultSince(webhook: Webhook): string {
  const from = webhook.health.failingSince ?? webhook.health.disabledAt;
  return from
    ? new Date(Date.parse(from) - MAX_RETRY_WINDOW_MS).toISOString()
    : new Date(Date.now() - 86_400_000).toISOString();
}

/**
 * Recover failed deliveries since a time (`POST /api/v1/webhooks/:id/recover`): each is sent again with
 * its own `webhook-id`, at the webhook's rate; then the recovery's progress, read every second until done.
 */
export function RecoverPanel({ webhook, onRequested }: { webhook: Webhook; onRequested: () => void }) {
  const [since, setSince] = useState(() => defaultSince(webhook));
  const [states, setStates] = useState<RecoverableState[]>(['failed', 'skipped']);
  const recover = useMutation({
    mutationFn: () =>
      data(
        daalu.POST('/api/v1/webhooks/{id}/recover', {
          params: { path: { id: webhook.id } },
          body: { since, status: states },
        }),
      ),
    onSuccess: () => onRequested(),
  });
  const error = recover.error instanceof ApiError && recover.error.status === 400 ? recover.error : null;
  const disabled = !webhook.enabled;
  // A refused recovery: focus goes to the field the API names.
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, recover.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    recover.mutate();
  };
  return (
    <section className="card" aria-labelledby="recover-title">
      <h2 id="recover-title">Recover failed deliveries</h2>
      <p className="help">
        Sends every failed (or skipped) delivery created since a time again, oldest first, at the webhook&apos;s rate,
        each with its own <code>webhook-id</code> so your receiver can tell a repeat. Asking twice sends each once.
      </p>
      <form ref={formRef} onSubmit={submit} noValidate aria-label="Recover failed deliveries">
        <div className="filters">
          <Field
            id="recover-since"
            field="since"
            label="Since (your local time)"
            error={error}
            help={timeHelp(since, 'Pick a time')}
          >
            <LocalDateTimeInput
              {...fieldAttrs(error, 'since', 'recover-since', 'recover-since-help')}
              value={since}
              onChange={setSince}
            />
          </Field>
          <fieldset className="inline-fieldset" aria-describedby="recover-status-error">
            <legend>Deliveries that are</legend>
            <div className="checks">
              {RECOVERABLE.map((state) => (
                <label key={state} className="check">
                  <input
                    type="checkbox"
                    checked={states.includes(state)}
                    onChange={(e) =>
                      setStates(RECOVERABLE.filter((s) => (s === state ? e.target.checked : states.includes(s))))
                    }
                  />{' '}
                  {state}
                </label>
              ))}
            </div>
            <FieldErrors id="recover-status-error" error={error} field="status" />
          </fieldset>
        </div>
        {disabled && (
          <p className="help" id="recover-disabled">
            Re-enable the webhook first: deliveries of a disabled webhook would be skipped again.
          </p>
        )}
        <div className="actions">
          <button
            type="submit"
            disabled={recover.isPending || disabled || states.length === 0}
            aria-describedby={disabled ? 'recover-disabled' : undefined}
          >
            {recover.isPending ? 'Asking…' : 'Recover deliveries'}
          </button>
        </div>
      </form>
      <ProblemMessage error={recover.error} />
      {recover.data && (
        <RecoveryProgress
          key={recover.data.id}
          webhookId={webhook.id}
          recoveryId={recover.data.id}
          more={recover.data.more}
        />
      )}
    </section>
  );
}

/** One recovery's progress, in words and as a progress bar, until done; then the history and health are read again. */
function RecoveryProgress(props: { webhookId: string; recoveryId: string; more: boolean }) {
  const recovery = useRecovery(props.webhookId, props.recoveryId);
  const queryClient = useQueryClient();
  const done = recovery.data?.state === 'done';
  useEffect(() => {
    if (!done) return;
    void queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(props.webhookId) });
    void queryClient.invalidateQueries({ queryKey: webhookKeys.one(props.webhookId) });
    void queryClient.invalidateQueries({ queryKey: webhookKeys.stats(props.webhookId) });
  }, [done, queryClient, props.webhookId]);
  if (recovery.isError) return <ProblemMessage error={recovery.error} />;
  const r = recovery.data;
  const finished = r ? r.done + r.failed + r.skipped : 0;
  return (
    <div className="recovery" data-recovery={props.recoveryId}>
      <h3 className="row">Recovery {r ? <StatusLabel status={r.state} /> : <span>starting…</span>}</h3>
      {r && r.total > 0 && (
        <progress max={r.total} value={finished} aria-label="Recovery progress">
          {finished} of {r.total}
        </progress>
      )}
      <p role="status" aria-live="polite">
        {!r
          ? 'Asking for the deliveries again…'
          : r.total === 0
            ? 'Nothing to recover: no such delivery since then.'
            : `${r.total} total: ${r.done} delivered, ${r.failed} failed again, ${r.pending} pending` +
              (r.skipped ? `, ${r.skipped} skipped` : '') +
              (done ? '. Done.' : '.')}
      </p>
      {props.more && (
        <p className="help">
          More deliveries matched than one recovery takes (100,000): ask again once this one is done.
        </p>
      )}
    </div>
  );
}
