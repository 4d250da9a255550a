import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { daalu, data } from '../api/client';
import { session } from '../auth/session';
import { Brand } from '../ui/app-shell';
import { ProblemMessage } from '../ui/states';

/** Sign in with the tenant API token (shown once when the tenant was created); checked against the API. */
export function SignInPage() {
  const navigate = useNavigate();
  const { next } = useSearch({ from: '/sign-in' });
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    session.signIn(token.trim());
    try {
      await data(daalu.GET('/api/v1/ingest'));
      await navigate({ to: next ?? '/webhooks', search: next ? undefined : { tab: 'inbound' } } as never);
    } catch (failure) {
      session.signOut();
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <Brand />
      <div className="card">
        <h1>Sign in to Daalu</h1>
        <form onSubmit={submit} aria-describedby="token-help">
          <label htmlFor="token">Tenant API token</label>
          <input
            id="token"
            name="token"
            type="password"
            autoComplete="off"
            required
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
          <p id="token-help" className="help">
            The <code>apiToken</code> returned when your tenant was created. It stays in this browser tab only.
          </p>
          <button type="submit" disabled={busy || token.trim() === ''}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <ProblemMessage error={error} />
      </div>
    </main>
  );
}
