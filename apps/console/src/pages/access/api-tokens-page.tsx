import * as AlertDialog from '@radix-ui/react-alert-dialog';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { session } from '../../auth/session';
import { Confirm } from '../../ui/confirm';
import { CopyButton } from '../../ui/copy-button';
import { LocalDateTimeInput, timeHelp } from '../../ui/datetime';
import { Field, fieldAttrs } from '../../ui/field';
import { useFocusFirstInvalid } from '../../ui/focus';
import { PageHeader } from '../../ui/page-header';
import { RelativeTime } from '../../ui/relative-time';
import { EmptyState, Loading, ProblemMessage } from '../../ui/states';
import {
  accessKeys,
  createApiToken,
  revokeApiToken,
  SCOPES,
  useApiTokens,
  type ApiToken,
  type ApiTokenScope,
} from './api';

/** Whether `token` is the one this console signed in with (its prefix, as listed, ends in `…`). */
function isThisSession(token: ApiToken): boolean {
  const own = session.token();
  const prefix = token.prefix.replace(/…$/, '');
  return !!own && prefix.length > 4 && own.startsWith(prefix);
}

/** Settings → API tokens: every token of the tenant with its last use; create one (shown once), revoke one. */
export function ApiTokensPage() {
  const tokens = useApiTokens();
  const queryClient = useQueryClient();
  const [revoked, setRevoked] = useState<string | null>(null);
  const revokedRef = useRef<HTMLParagraphElement>(null);
  const revoke = useMutation({
    mutationFn: (token: ApiToken) => revokeApiToken(token.id),
    onMutate: () => setRevoked(null),
    onSuccess: (_, token) => {
      setRevoked(`Revoked “${token.name}” (${token.prefix}): it is refused from now on.`);
      void queryClient.invalidateQueries({ queryKey: accessKeys.tokens });
    },
  });
  // The row (and its Revoke button) goes away: focus the message that says so, never <body>.
  useEffect(() => {
    if (revoked) revokedRef.current?.focus();
  }, [revoked]);
  const lastAdmin = revoke.error instanceof ApiError && revoke.error.is('last-admin-token');

  return (
    <div className="access-area">
      <PageHeader
        back={<span>Settings</span>}
        title="API tokens"
        actions={<CreateTokenDialog />}
        description={
          <p>
            Tokens for scripts, CI and people, each with a scope: <strong>read</strong> (timeline, alerts, history),{' '}
            <strong>write</strong> (every change) or <strong>admin</strong> (tokens, keys, secrets). Who did what with
            them is in the{' '}
            <Link to="/audit" search={{}}>
              audit log
            </Link>
            .
          </p>
        }
      />
      {revoked && (
        <p className="notice" role="status" tabIndex={-1} ref={revokedRef}>
          {revoked}
        </p>
      )}
      {lastAdmin ? (
        <div className="problem" role="alert">
          <p>
            <strong>Not revoked: this is the tenant’s last admin token.</strong> Without it nobody could manage tokens
            or keys. Create another token with the admin scope first, then revoke this one.
          </p>
        </div>
      ) : (
        <ProblemMessage error={revoke.error} />
      )}
      {tokens.isPending ? (
        <Loading what="API tokens" />
      ) : tokens.isError ? (
        <ProblemMessage error={tokens.error} />
      ) : tokens.data.items.length === 0 ? (
        <EmptyState title="No API tokens">
          <p>Create one with New token.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table-stack">
            <caption className="visually-hidden">API tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Scope</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.items.map((token) => {
                const own = isThisSession(token);
                return (
                  <tr key={token.id}>
                    <td data-label="Name">
                      {token.name}
                      {own && <span className="help"> (this session)</span>}
                    </td>
                    <td data-label="Prefix">
                      <code>{token.prefix}</code>
                    </td>
                    <td data-label="Scope">{token.scopes.join(', ')}</td>
                    <td data-label="Created">
                      <RelativeTime value={token.createdAt} />
                      {token.createdBy && <span className="help"> by {token.createdBy}</span>}
                    </td>
                    <td data-label="Last used">
                      {token.lastUsedAt ? <RelativeTime value={token.lastUsedAt} /> : 'never'}
                    </td>
                    <td data-label="Expires">{token.expiresAt ? <RelativeTime value={token.expiresAt} /> : 'never'}</td>
                    <td>
                      <Confirm
                        trigger={
                          <button type="button" className="secondary">
                            Revoke<span className="visually-hidden"> {token.name}</span>
                          </button>
                        }
                        title={`Revoke the API token “${token.name}”?`}
                        description={
                          <>
                            <p>
                              <code>{token.prefix}</code> ({token.scopes.join(', ')}) is refused by every part of Daalu
                              within a second. Whatever uses it stops working; this cannot be undone.
                            </p>
                            {own && (
                              <p>
                                <strong>This console is signed in with it:</strong> you will be signed out.
                              </p>
                            )}
                          </>
                        }
                        confirmLabel="Revoke token"
                        onConfirm={() => revoke.mutate(token)}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** New token: name, scope and expiry in a dialog, then the token itself, once, with Copy. */
function CreateTokenDialog() {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ApiTokenScope>('read');
  const [expiresAt, setExpiresAt] = useState('');
  const nameRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const shownRef = useRef<HTMLDivElement>(null);
  // The token lives in this mutation's state only: shown once, forgotten when the dialog closes.
  const create = useMutation({
    mutationFn: () => createApiToken({ name: name.trim(), scopes: [scope], expiresAt: expiresAt || undefined }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: accessKeys.tokens }),
  });
  useEffect(() => {
    if (create.data) shownRef.current?.focus();
  }, [create.data]);

  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (!next) {
      create.reset();
      setName('');
      setScope('read');
      setExpiresAt('');
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!create.isPending) create.mutate();
  };
  const error = create.error;
  // A refused token: focus goes to the field the API names, else to the problem.
  useFocusFirstInvalid(formRef, error);

  return (
    <AlertDialog.Root open={open} onOpenChange={onOpenChange}>
      <AlertDialog.Trigger asChild>
        <button type="button">New token</button>
      </AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content
          className="dialog access-dialog"
          onOpenAutoFocus={(e) => {
            e.preventDefault();
            nameRef.current?.focus();
          }}
        >
          {create.data ? (
            <>
              <AlertDialog.Title>API token created</AlertDialog.Title>
              <AlertDialog.Description asChild>
                <div className="once" tabIndex={-1} ref={shownRef}>
                  <p>
                    <strong>{create.data.name}</strong> ({create.data.scopes.join(', ')})
                  </p>
                  <div className="row">
                    <code className="secret" data-testid="new-api-token">
                      {create.data.token}
                    </code>
                    <CopyButton value={create.data.token} label="Copy token" />
                  </div>
                  <p>
                    <strong>Copy it now: you will not see it again.</strong> Daalu keeps only a hash of it; lost, it can
                    only be revoked and replaced.
                  </p>
                </div>
              </AlertDialog.Description>
              <div className="dialog-actions">
                <AlertDialog.Cancel asChild>
                  <button type="button">Done</button>
                </AlertDialog.Cancel>
              </div>
            </>
          ) : (
            <form ref={formRef} onSubmit={submit} noValidate>
              <AlertDialog.Title>New API token</AlertDialog.Title>
              <AlertDialog.Description className="help">
                The token is shown once, when it is created.
              </AlertDialog.Description>
              <Field
                id="token-name"
                field="name"
                label="Name"
                error={error}
                help="Who or what uses it: deploy bot, Alice"
              >
                <input
                  ref={nameRef}
                  {...fieldAttrs(error, 'name', 'token-name', 'token-name-help')}
                  value={name}
                  maxLength={100}
                  required
                  onChange={(e) => setName(e.target.value)}
                />
              </Field>
              <fieldset
                className="field"
                aria-describedby={fieldAttrs(error, 'scopes', 'token-scope')['aria-describedby']}
              >
                <legend>Scope</legend>
                {SCOPES.map((s) => (
                  <div key={s.scope} className="choice">
                    <input
                      type="radio"
                      name="token-scope"
                      id={`token-scope-${s.scope}`}
                      value={s.scope}
                      checked={scope === s.scope}
                      onChange={() => setScope(s.scope)}
                      aria-describedby={`token-scope-${s.scope}-help`}
                    />
                    <label htmlFor={`token-scope-${s.scope}`}>{s.label}</label>
                    <span id={`token-scope-${s.scope}-help`} className="help">
                      {s.explains}
                    </span>
                  </div>
                ))}
                {error instanceof ApiError && error.forField('scopes').length > 0 && (
                  <p id="token-scope-error" className="field-error">
                    {error.forField('scopes').join('; ')}
                  </p>
                )}
              </fieldset>
              <Field
                id="token-expires"
                field="expiresAt"
                label="Expires (optional)"
                error={error}
                help={timeHelp(expiresAt, 'Never: it works until revoked')}
              >
                <LocalDateTimeInput
                  {...fieldAttrs(error, 'expiresAt', 'token-expires', 'token-expires-help')}
                  value={expiresAt}
                  onChange={setExpiresAt}
                />
              </Field>
              {error instanceof ApiError && error.fields.length > 0 ? null : <ProblemMessage error={error} />}
              <div className="dialog-actions">
                <AlertDialog.Cancel asChild>
                  <button type="button" className="secondary">
                    Cancel
                  </button>
                </AlertDialog.Cancel>
                {/* aria-disabled, not disabled: a focused button that gets disabled drops focus to <body>. */}
                <button type="submit" aria-disabled={create.isPending || undefined}>
                  {create.isPending ? 'Creating…' : 'Create token'}
                </button>
              </div>
            </form>
          )}
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
