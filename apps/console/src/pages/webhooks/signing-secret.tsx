import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Webhook } from '@daalu/client';
import { daalu, data } from '../../api/client';
import { Confirm } from '../../ui/confirm';
import { CopyButton } from '../../ui/copy-button';
import { ProblemMessage } from '../../ui/states';
import { ForUntil } from '../../ui/until';
import { webhookKeys } from './api';
import { SecretValue } from './secret-value';
import { VerifySnippets } from './verify-snippets';

/**
 * The webhook's signing secret: Reveal (each reveal is audited) and Hide, Rotate (the new one shown
 * once), and how to verify a delivery with it.
 */
export function SigningSecret({ webhook }: { webhook: Webhook }) {
  const queryClient = useQueryClient();
  // Neither the revealed nor a rotated secret goes into the query cache: component state only, gone on leaving.
  const reveal = useMutation({
    mutationFn: () => data(daalu.GET('/api/v1/webhooks/{id}/secret', { params: { path: { id: webhook.id } } })),
  });
  const rotate = useMutation({
    mutationFn: () => data(daalu.POST('/api/v1/webhooks/{id}/rotate-secret', { params: { path: { id: webhook.id } } })),
    onSuccess: () => {
      reveal.reset();
      return queryClient.invalidateQueries({ queryKey: webhookKeys.one(webhook.id) });
    },
  });
  const previous = webhook.secrets.find((s) => s.expiresAt !== null && Date.parse(s.expiresAt) > Date.now());
  const secret = rotate.data?.secret ?? reveal.data?.secret ?? null;
  return (
    <section className="card" aria-labelledby="secret-title">
      <div className="card-head">
        <h2 id="secret-title">Signing secret</h2>
        <Confirm
          trigger={
            <button type="button" className="secondary" disabled={rotate.isPending}>
              {rotate.isPending ? 'Rotating…' : 'Rotate secret'}
            </button>
          }
          title="Rotate the signing secret?"
          description={
            <p>
              A new secret is issued and shown once. Then both the current and the new secret sign every delivery{' '}
              <ForUntil at={Date.now() + 86_400_000} />, so you can switch your receiver over; after that only the new
              one does.
            </p>
          }
          confirmLabel="Rotate"
          onConfirm={() => rotate.mutate()}
        />
      </div>
      <p className="help">
        Signs <code>X-Daalu-Signature</code> and <code>webhook-signature</code> (Standard Webhooks) on every delivery.
      </p>
      {rotate.data ? (
        <div className="once" role="status">
          <h3>New signing secret</h3>
          <div className="row">
            <code className="secret" data-testid="new-secret">
              {rotate.data.secret}
            </code>
            <CopyButton value={rotate.data.secret} label="Copy new secret" />
          </div>
          <p>
            Shown this once: both the previous and the new secret sign every delivery{' '}
            <ForUntil at={rotate.data.previousExpiresAt} />; then only the new one.
          </p>
        </div>
      ) : (
        <SecretValue
          secret={reveal.data?.secret ?? null}
          revealing={reveal.isPending}
          onReveal={() => reveal.mutate()}
          onHide={() => reveal.reset()}
          testId="secret"
        />
      )}
      {reveal.data && !rotate.data && (
        <p className="help" role="status">
          Revealed to <code>{reveal.data.revealedTo}</code>; this reveal is recorded on the audit log.
        </p>
      )}
      {!reveal.data && !rotate.data && (
        <p className="help">Each reveal is recorded on the audit log, with who asked.</p>
      )}
      {previous && !rotate.data && (
        <p className="notice">
          Rotation in progress: the previous secret also signs <ForUntil at={previous.expiresAt!} />.
        </p>
      )}
      <ProblemMessage error={reveal.error ?? rotate.error} />
      <h3>Verify a delivery</h3>
      <VerifySnippets secret={secret} />
    </section>
  );
}
